// Parsed results in the archive cache's folder (src/github/snapshot-cache.ts) on a real folder, with
// archives from the loopback GitHub: a second review of the same base reads the commit's selected files
// back instead of unpacking its archive; other globs or limits are another entry; a damaged entry is
// dropped and made again from the archive; the entries count towards the folder's budget.
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serialize } from "node:v8";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ArchiveCache } from "../../src/github/archive-cache.js";
import { fetchManifests } from "../../src/github/fetch-manifests.js";
import { fetchManifestsCached, readerIdentity, snapshotKey } from "../../src/github/snapshot-cache.js";
import { useCacheRepo } from "../helpers/cache-repo.js";

const setup = useCacheRepo("reachdiff-parsed-test-");
const { fake, repo, downloads } = setup;
const parsed = () => readdirSync(setup.dir).filter((n) => n.endsWith(".files.gz"));
const limits = { maxInputBytes: 1 << 20 };

describe("parsed-result cache", () => {
  it("a second review of the same base reads its selected files from disk, not the archive", async () => {
    // A base worth caching: 1,500 manifests beside 3 MB of files no glob watches (docs, assets).
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++)
      files[`k8s/app-${i}.yaml`] =
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\n  namespace: ns-${i % 20}\nspec:\n  ports:\n  - port: 80\n`;
    for (let i = 0; i < 30; i++) files[`docs/page-${i}.md`] = `${"lorem ipsum dolor sit amet ".repeat(4000)}${i}\n`;
    const base = fake.commit(files, setup.t.main);
    const cache = new ArchiveCache(setup.dir, 256 * 2 ** 20);

    let start = performance.now();
    const first = await fetchManifestsCached(setup.gh, repo(), base, ["k8s/**"], { ...limits, cache });
    const missMs = performance.now() - start;
    start = performance.now();
    const unpacked = await fetchManifests(setup.gh, repo(), base, ["k8s/**"], { ...limits, cache });
    const archiveMs = performance.now() - start;
    start = performance.now();
    const second = await fetchManifestsCached(setup.gh, repo(), base, ["k8s/**"], { ...limits, cache });
    const hitMs = performance.now() - start;

    expect(first.files.filter((f) => f.name.startsWith("k8s/app-")).length).toBe(1500);
    expect(second).toEqual(first);
    expect(unpacked).toEqual(first);
    expect(downloads(base)).toBe(1);
    // The miss looked for a parsed entry, then downloaded; the hit read no archive at all.
    expect(cache.stats).toMatchObject({ parsedHits: 1, parsedMisses: 1, parsedCorrupt: 0, hits: 1, misses: 1 });
    const archive = statSync(cache.path(repo(), base)).size;
    const [entry] = parsed();
    const entryBytes = statSync(join(setup.dir, entry)).size;
    const unpackedBytes = Object.values(files).reduce((n, s) => n + s.length, 0);
    console.log(
      `parsed cache: ${first.files.length} manifests; first review ${missMs.toFixed(0)} ms (download + unpack), ` +
        `archive from disk + unpack ${archiveMs.toFixed(0)} ms (${archive} B gzipped, ${unpackedBytes} B unpacked), ` +
        `parsed entry ${hitMs.toFixed(0)} ms (${entryBytes} B)`,
    );
  }, 60_000);

  it("keys on the globs and limits that select the files: others are another entry", async () => {
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    const k8s = await fetchManifestsCached(setup.gh, repo(), setup.t.main, ["k8s/**"], { ...limits, cache });
    const none = await fetchManifestsCached(setup.gh, repo(), setup.t.main, ["nothing/**"], { cache });
    expect(none.files).toEqual([]);
    const fewer = await fetchManifestsCached(setup.gh, repo(), setup.t.main, ["k8s/**"], { cache });
    expect(fewer.files).toEqual(k8s.files);
    expect(fewer.inputs).toEqual([]);
    expect(k8s.inputs.length).toBeGreaterThan(0);
    expect(await fetchManifestsCached(setup.gh, repo(), setup.t.main, ["k8s/**"], { ...limits, cache })).toEqual(k8s);
    // Three selections of one archive, downloaded once; the empty one is not kept (nothing to save).
    expect(downloads(setup.t.main)).toBe(1);
    expect(parsed().length).toBe(2);
    expect(cache.stats).toMatchObject({ parsedHits: 1, parsedMisses: 3, hits: 2, misses: 1 });
    // Another repository's entry never answers for this one's.
    expect(cache.parsedPath({ owner: "other", repo: fake.repo }, setup.t.main, "x")).not.toBe(
      cache.parsedPath(repo(), setup.t.main, "x"),
    );
  });

  it("keys on Reachdiff's version, the reading libraries' versions and the format: an entry of another is not read", async () => {
    const version = (file: string) => JSON.parse(readFileSync(file, "utf8")).version;
    const reader = readerIdentity();
    expect(reader.reachdiff).toBe(version("package.json"));
    expect(reader.libraries).toEqual({
      picomatch: version("node_modules/picomatch/package.json"),
      "tar-stream": version("node_modules/tar-stream/package.json"),
    });
    const globs = ["k8s/**"];
    const others = [
      { ...reader, reachdiff: "0.0.1" },
      { ...reader, format: reader.format - 1 },
      { ...reader, libraries: { ...reader.libraries, picomatch: "3.0.1" } },
      { ...reader, libraries: { ...reader.libraries, "tar-stream": "2.2.0" } },
    ];
    const keys = new Set([snapshotKey(globs, {}), ...others.map((other) => snapshotKey(globs, {}, other))]);
    expect(keys.size).toBe(5);

    // Entries another reader wrote for this commit (a planted file list): none is read.
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    const planted = { files: [{ name: "k8s/planted.yaml", text: "kind: Namespace\n" }], inputs: [], diagnostics: [] };
    for (const other of others)
      await cache.keepParsed(repo(), setup.t.head, snapshotKey(globs, {}, other), gzipSync(serialize(planted)));
    const read = await fetchManifestsCached(setup.gh, repo(), setup.t.head, globs, { cache });
    expect(read.files.map((f) => f.name)).not.toContain("k8s/planted.yaml");
    expect(read.files.length).toBeGreaterThan(0);
    expect(cache.stats).toMatchObject({ parsedHits: 0, parsedMisses: 1, parsedCorrupt: 0 });
    expect(downloads(setup.t.head)).toBe(1);
    // Written under this reader's key, the same entry is read: the key alone kept the others out.
    await cache.keepParsed(repo(), setup.t.head, snapshotKey(globs, {}), gzipSync(serialize(planted)));
    expect(await fetchManifestsCached(setup.gh, repo(), setup.t.head, globs, { cache })).toEqual(planted);
  });

  it("an entry damaged or of another kind on disk is dropped and made again from the archive", async () => {
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    const good = await fetchManifestsCached(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache });
    const [entry] = parsed();
    const file = join(setup.dir, entry);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    expect(await fetchManifestsCached(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache })).toEqual(good);
    expect(cache.stats).toMatchObject({ parsedCorrupt: 1, parsedHits: 0, hits: 1 });
    // Well-formed gzip of something else (another format): refused as well.
    writeFileSync(file, gzipSync(Buffer.from("not a snapshot")));
    expect(await fetchManifestsCached(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache })).toEqual(good);
    expect(cache.stats).toMatchObject({ parsedCorrupt: 2, parsedHits: 0, hits: 2 });
    expect(await fetchManifestsCached(setup.gh, repo(), setup.t.head, ["k8s/**"], { cache })).toEqual(good);
    expect(cache.stats.parsedHits).toBe(1);
    expect(downloads(setup.t.head)).toBe(1);
  });

  it("parsed entries count towards the folder's budget and are evicted like archives", async () => {
    const cache = new ArchiveCache(setup.dir, 64 * 2 ** 20);
    await fetchManifestsCached(setup.gh, repo(), setup.t.main, ["k8s/**"], { cache });
    const all = readdirSync(setup.dir).reduce((n, f) => n + statSync(join(setup.dir, f)).size, 0);
    expect(parsed().length).toBe(1);
    expect(await cache.evict()).toBe(all);
    const small = new ArchiveCache(setup.dir, 1);
    expect(await small.evict()).toBe(0);
    expect(readdirSync(setup.dir)).toEqual([]);
  });
});
