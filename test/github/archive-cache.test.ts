// The on-disk archive cache (src/github/archive-cache.ts) on a real folder, with archives from the
// loopback GitHub: a commit is downloaded once, a partial write is never read, a damaged entry is
// downloaded again, the folder keeps to its budget (least recently used first), and several processes
// filling one folder at once leave one good entry.
import { spawn } from "node:child_process";
import { readdirSync, statSync, truncateSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { ArchiveCache, archiveCacheFromEnv } from "../../src/github/archive-cache.js";
import { fetchManifests } from "../../src/github/fetch-manifests.js";
import { ROOT, until } from "../e2e/harness.js";
import { useCacheRepo } from "../helpers/cache-repo.js";

const setup = useCacheRepo("reachdiff-cache-test-");
const { fake, repo, downloads } = setup;
const names = (snapshot: { files: { name: string; text: string }[] }) => snapshot.files.map((f) => f.name);
const entries = () => readdirSync(setup.dir).filter((n) => n.endsWith(".tar.gz"));
const temps = () => readdirSync(setup.dir).filter((n) => n.endsWith(".tmp"));
/** Reads a stream to its end (what `use` does with an archive, minus the parsing). */
const drain = (s: Readable) => pipeline(s, new Writable({ write: (_c, _e, done) => done() }));

describe("archive cache", () => {
  it("downloads a commit once; the next reads come from disk with the same files", async () => {
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    const first = await fetchManifests(setup.gh, repo(), setup.t.main, ["k8s/**"], { cache });
    const second = await fetchManifests(setup.gh, repo(), setup.t.main, ["k8s/**"], { cache });
    const third = await fetchManifests(setup.gh, repo(), setup.t.main, ["k8s/**"], { cache });
    expect(names(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(downloads(setup.t.main)).toBe(1);
    // Other globs over the same commit: the archive is the commit's, whatever a review reads of it.
    const readme = await fetchManifests(setup.gh, repo(), setup.t.main, ["**/*.md"], { cache, maxInputBytes: 2 ** 20 });
    expect(readme.inputs.map((i) => i.name)).toContain("README.md");
    expect(downloads(setup.t.main)).toBe(1);
    const size = statSync(join(setup.dir, entries()[0])).size;
    expect(entries()).toHaveLength(1);
    expect(cache.stats).toMatchObject({ hits: 3, misses: 1, savedBytes: 3 * size, storedBytes: size, corrupt: 0 });
    // Another repository's commit of the same id is another entry (the key holds the repository).
    expect(cache.path({ owner: "other", repo: fake.repo }, setup.t.main)).not.toBe(cache.path(repo(), setup.t.main));
    expect(cache.path({ owner: fake.owner.toUpperCase(), repo: fake.repo }, setup.t.main)).toBe(
      cache.path(repo(), setup.t.main),
    );
  });

  it("keys on full commit ids only: a branch name is downloaded every time", async () => {
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    expect(ArchiveCache.cacheable("main")).toBe(false);
    expect(ArchiveCache.cacheable(setup.t.main.slice(0, 7))).toBe(false);
    expect(ArchiveCache.cacheable(setup.t.main)).toBe(true);
    fake.branches.set("main", setup.t.main);
    await fetchManifests(setup.gh, repo(), "main", ["k8s/**"], { cache });
    await fetchManifests(setup.gh, repo(), "main", ["k8s/**"], { cache });
    expect(fake.calls("codeload")).toHaveLength(2);
    expect(readdirSync(setup.dir)).toEqual([]);
  });

  it("never reads an entry still being written, and publishes it only once read whole", async () => {
    const cache = new ArchiveCache(setup.dir, 2 ** 20);
    const source = new PassThrough();
    const writing = cache.keep(repo(), setup.t.head, (tap) => drain(source.pipe(tap)));
    source.write(Buffer.alloc(1000, 1));
    await until("the temporary file", () => temps().length === 1);
    expect(entries()).toEqual([]);
    expect(await cache.read(repo(), setup.t.head, async () => "hit")).toBeUndefined();
    source.end(Buffer.alloc(500, 2));
    await writing;
    expect(temps()).toEqual([]);
    expect(entries()).toHaveLength(1);
    expect(await cache.read(repo(), setup.t.head, async (s) => (await s.toArray()).length)).toBeGreaterThan(0);
  });

  it("a download that fails part-way leaves nothing behind", async () => {
    const cache = new ArchiveCache(setup.dir, 2 ** 20);
    const broken = new Readable({ read() {} });
    const writing = cache.keep(repo(), setup.t.head, (tap) => pipeline(broken, tap, new PassThrough().resume()));
    broken.push(Buffer.alloc(4000, 3));
    await until("the temporary file", () => temps().length === 1);
    broken.destroy(new Error("connection reset"));
    await expect(writing).rejects.toThrow("connection reset");
    expect(readdirSync(setup.dir)).toEqual([]);
  });

  it("an entry damaged on disk is removed and the archive downloaded again", async () => {
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    const good = await fetchManifests(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache });
    const file = cache.path(repo(), setup.t.head);
    const size = statSync(file).size;
    truncateSync(file, Math.floor(size / 2));
    const again = await fetchManifests(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache });
    expect(again).toEqual(good);
    expect(downloads(setup.t.head)).toBe(2);
    expect(cache.stats.corrupt).toBe(1);
    // Written anew from the second download (the loopback GitHub gzips each download afresh).
    expect(statSync(file).size).toBe(cache.stats.storedBytes - size);
    expect(await fetchManifests(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache })).toEqual(good);
    expect(downloads(setup.t.head)).toBe(2);
  });

  it("keeps to its byte budget, evicting the least recently used entry first", async () => {
    const cache = new ArchiveCache(setup.dir, 1000);
    const store = (sha: string, bytes: number) =>
      cache.keep(repo(), sha, (tap) => drain(Readable.from([Buffer.alloc(bytes, 7)]).pipe(tap)));
    const [a, b, c] = ["a", "b", "c"].map((x) => x.repeat(40));
    await store(a, 400);
    await store(b, 400);
    // a was stored first but read since: b is the least recently used.
    utimesSync(cache.path(repo(), a), new Date(Date.now() - 20_000), new Date(Date.now() - 20_000));
    utimesSync(cache.path(repo(), b), new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
    const hit = async (s: Readable) => {
      await drain(s);
      return "hit";
    };
    expect(await cache.read(repo(), a, hit)).toBe("hit");
    await store(c, 400);
    const kept = (sha: string) => entries().includes(cache.path(repo(), sha).slice(setup.dir.length + 1));
    expect([kept(a), kept(b), kept(c)]).toEqual([true, false, true]);
    expect(cache.stats).toMatchObject({ bytes: 800, evictedBytes: 400, storedBytes: 1200 });
    // Over half the budget: not kept at all (it would push out most others).
    await store("d".repeat(40), 600);
    expect(entries()).toHaveLength(2);
    expect(temps()).toEqual([]);
  });

  it("is off unless REACHDIFF_ARCHIVE_CACHE_DIR is set; REACHDIFF_ARCHIVE_CACHE_MB=0 turns it off", () => {
    expect(archiveCacheFromEnv({})).toBeUndefined();
    const on = archiveCacheFromEnv({ REACHDIFF_ARCHIVE_CACHE_DIR: setup.dir });
    expect(on?.maxBytes).toBe(256 * 2 ** 20);
    expect(archiveCacheFromEnv({ REACHDIFF_ARCHIVE_CACHE_DIR: setup.dir })).toBe(on);
    expect(
      archiveCacheFromEnv({ REACHDIFF_ARCHIVE_CACHE_DIR: setup.dir, REACHDIFF_ARCHIVE_CACHE_MB: "64" })?.maxBytes,
    ).toBe(64 * 2 ** 20);
    expect(
      archiveCacheFromEnv({ REACHDIFF_ARCHIVE_CACHE_DIR: setup.dir, REACHDIFF_ARCHIVE_CACHE_MB: "0" }),
    ).toBeUndefined();
  });

  it("several processes filling one folder at once leave one good entry and no temporary file", async () => {
    const token = fake.actionToken();
    // Each process reads the same commit through its own cache on the same folder (the built modules).
    const script = `
      const { actionClient } = await import(${JSON.stringify(`${ROOT}build/src/github/action-client.js`)});
      const { ArchiveCache } = await import(${JSON.stringify(`${ROOT}build/src/github/archive-cache.js`)});
      const { fetchManifests } = await import(${JSON.stringify(`${ROOT}build/src/github/fetch-manifests.js`)});
      const log = { info() {}, warn() {}, error() {} };
      const gh = actionClient(${JSON.stringify(token)}, ${JSON.stringify(fake.url)}, log);
      const cache = new ArchiveCache(${JSON.stringify(setup.dir)}, 64 * 2 ** 20);
      const repo = { owner: ${JSON.stringify(fake.owner)}, repo: ${JSON.stringify(fake.repo)} };
      process.stdout.write("ready\\n");
      await new Promise((go) => process.stdin.once("data", go));
      const s = await fetchManifests(gh, repo, ${JSON.stringify(setup.t.head)}, ["k8s/**"], { cache });
      process.stdout.write(JSON.stringify({ files: s.files.map((f) => [f.name, f.text.length]), hit: cache.stats.hits }));`;
    // Each process loads its modules, says it is ready, and fetches when told: all four at once.
    const ready: (() => void)[] = [];
    const run = () =>
      new Promise<{ files: [string, number][]; hit: number }>((resolve, reject) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
          stdio: ["pipe", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.startsWith("ready\n") && !ready.includes(go)) ready.push(go);
        });
        const go = () => child.stdin.end("go\n");
        child.stderr.on("data", (d) => (err += d));
        child.once("exit", (code) =>
          code === 0 ? resolve(JSON.parse(out.slice("ready\n".length))) : reject(new Error(`exit ${code}: ${err}`)),
        );
      });
    // Downloads slow enough that the four overlap.
    fake.delay("codeload", 1000, 4);
    const running = [run(), run(), run(), run()];
    await until("the four processes to be ready", () => ready.length === 4, 60_000);
    for (const go of ready) go();
    const outputs = await Promise.all(running);
    const files = JSON.stringify(outputs[0].files);
    expect(outputs.every((o) => JSON.stringify(o.files) === files)).toBe(true);
    expect(outputs[0].files.length).toBeGreaterThan(0);
    expect(entries()).toHaveLength(1);
    expect(temps()).toEqual([]);
    // All four downloaded and wrote the entry at once: the last rename won.
    expect(outputs.map((o) => o.hit)).toEqual([0, 0, 0, 0]);
    expect(downloads(setup.t.head)).toBe(4);
    // The entry the last rename left is whole: read from disk, it gives what the downloads gave.
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    const fromDisk = await fetchManifests(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache });
    expect(JSON.stringify(fromDisk.files.map((f) => [f.name, f.text.length]))).toBe(files);
    expect(cache.stats.hits).toBe(1);
    expect(downloads(setup.t.head)).toBe(4);
  }, 60_000);
});
