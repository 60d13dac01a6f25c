// A bounded on-disk cache of repository archives by commit. A commit's tarball never changes, so a
// re-run, a push on an unchanged base and the pull requests that branched from the same commit fetch
// it once. Several processes may share the folder: an entry is written to a temporary file of its own,
// synced, and renamed into place only once the whole archive was read without error (a reader never
// sees a half-written entry); a reader holds its file open, so an eviction by another process does not
// cut it short; an entry that cannot be read back is removed and the archive downloaded again. The
// folder is kept under its byte budget by evicting the least recently used entries (mtime, touched on
// every hit: atime is often off). The same folder and budget keep parsed results too (a commit's
// files as a review selected them, see snapshot-cache.ts): their key adds what shaped them.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import type { Repo } from "./types.js";

/** What the cache did since the process started (read by /metrics). */
export interface ArchiveCacheStats {
  hits: number;
  misses: number;
  /** Bytes served from disk instead of downloaded. */
  savedBytes: number;
  storedBytes: number;
  evictedBytes: number;
  /** Entries that could not be read back (removed, downloaded again). */
  corrupt: number;
  /** The folder's size at the last eviction pass. */
  bytes: number;
  /** Parsed results (readParsed): read from disk, not there, and not readable (removed, computed again). */
  parsedHits: number;
  parsedMisses: number;
  parsedCorrupt: number;
}

/** Budget of the folder when REACHDIFF_ARCHIVE_CACHE_MB is not set. */
const DEFAULT_ARCHIVE_CACHE_MB = 256;

/** A crashed writer's temporary file is removed once it is this old. */
const STALE_TEMP_MS = 3600_000;

const ENTRY = /^[0-9a-f]{64}\.(?:tar|files)\.gz$/;
const TEMP = /^\.[0-9a-f]{64}\..+\.tmp$/;
/** Only full commit ids are keys: a branch name or a short id names different commits over time. */
const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** One archive being downloaded: its bytes go to a temporary file until the download is known good. */
interface ArchiveWrite {
  write(chunk: Uint8Array): Promise<void>;
  /** The archive was read whole and without error: publish the entry. */
  commit(): Promise<void>;
  /** The download failed or was not read whole: drop what was written. */
  abort(): Promise<void>;
}

const NO_WRITE: ArchiveWrite = { write: async () => {}, commit: async () => {}, abort: async () => {} };

const missing = (error: unknown) => (error as { code?: string }).code === "ENOENT";

export class ArchiveCache {
  readonly stats: ArchiveCacheStats = {
    hits: 0,
    misses: 0,
    savedBytes: 0,
    storedBytes: 0,
    evictedBytes: 0,
    corrupt: 0,
    bytes: 0,
    parsedHits: 0,
    parsedMisses: 0,
    parsedCorrupt: 0,
  };
  /** An entry larger than this is not kept (it would push most others out). */
  readonly maxEntryBytes: number;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    this.maxEntryBytes = Math.floor(maxBytes / 2);
  }

  /** Whether this commit can be cached (a full commit id). */
  static cacheable(sha: string): boolean {
    return COMMIT.test(sha);
  }

  #key(repo: Repo, sha: string, variant?: string): string {
    const key = createHash("sha256").update(`${repo.owner}/${repo.repo}`.toLowerCase()).update("@").update(sha);
    if (variant !== undefined) key.update("\0").update(variant);
    return key.digest("hex");
  }

  /** The entry's file: the repository is part of the key, so one repository's files never answer for another's. */
  path(repo: Repo, sha: string): string {
    return join(this.dir, `${this.#key(repo, sha)}.tar.gz`);
  }

  /** A parsed result's file: `variant` names everything besides the commit that shaped it. */
  parsedPath(repo: Repo, sha: string, variant: string): string {
    return join(this.dir, `${this.#key(repo, sha, variant)}.files.gz`);
  }

  /**
   * A parsed result of this commit, read with `decode`; undefined when there is none. An entry that
   * `decode` refuses (cut short, damaged, another format) is removed, so that the caller computes it again.
   */
  async readParsed<T>(
    repo: Repo,
    sha: string,
    variant: string,
    decode: (bytes: Buffer) => Promise<T>,
  ): Promise<T | undefined> {
    if (!ArchiveCache.cacheable(sha)) return undefined;
    const file = this.parsedPath(repo, sha, variant);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      this.stats.parsedMisses++;
      return undefined;
    }
    try {
      const result = await decode(bytes);
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      this.stats.parsedHits++;
      return result;
    } catch {
      this.stats.parsedCorrupt++;
      this.stats.parsedMisses++;
      await rm(file, { force: true });
      return undefined;
    }
  }

  /** Keeps a parsed result of this commit (best effort, as archives: never fails the review). */
  async keepParsed(repo: Repo, sha: string, variant: string, bytes: Uint8Array): Promise<void> {
    const writer = await this.#writer(repo, sha, variant).catch(() => NO_WRITE);
    await writer.write(bytes);
    await writer.commit();
  }

  /**
   * Reads this commit's archive from disk with `use`; undefined when there is no entry. An entry that
   * `use` cannot read (cut short, corrupt: gzip checks its length and CRC) is removed, and undefined
   * returned, so that the caller downloads the archive.
   */
  async read<T>(repo: Repo, sha: string, use: (archive: Readable) => Promise<T>): Promise<T | undefined> {
    if (!ArchiveCache.cacheable(sha)) return undefined;
    const file = this.path(repo, sha);
    let fh: FileHandle;
    try {
      fh = await open(file, "r");
    } catch {
      this.stats.misses++;
      return undefined;
    }
    let size = 0;
    try {
      size = (await fh.stat()).size;
      const now = new Date();
      // The most recently used; another process may evict it meanwhile: the open file is read all the same.
      await utimes(file, now, now).catch(() => undefined);
      const result = await use(fh.createReadStream());
      this.stats.hits++;
      this.stats.savedBytes += size;
      return result;
    } catch {
      await fh.close().catch(() => undefined);
      this.stats.corrupt++;
      this.stats.misses++;
      await rm(file, { force: true });
      return undefined;
    }
  }

  /**
   * Keeps a copy of the archive a download streams through `tap` (put it in the download's pipeline):
   * the entry is published only when `use` resolved, having read the download whole and without error;
   * a failed or partial download leaves nothing behind. Keeping is best effort: a full disk or an
   * archive over `maxEntryBytes` never fails the review.
   */
  async keep<T>(repo: Repo, sha: string, use: (tap: Transform) => Promise<T>): Promise<T> {
    const writer = await this.#writer(repo, sha).catch(() => NO_WRITE);
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        writer.write(chunk).then(
          () => done(null, chunk),
          () => done(null, chunk),
        );
      },
    });
    try {
      const result = await use(tap);
      await writer.commit();
      return result;
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  #mkdir(): Promise<unknown> {
    // Private: the archives hold the repositories' files.
    return mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** A writer of this commit's archive, or (with `variant`) of a parsed result of it. */
  async #writer(repo: Repo, sha: string, variant?: string): Promise<ArchiveWrite> {
    if (!ArchiveCache.cacheable(sha) || this.maxEntryBytes <= 0) return NO_WRITE;
    await this.#mkdir();
    const file = variant === undefined ? this.path(repo, sha) : this.parsedPath(repo, sha, variant);
    const key = this.#key(repo, sha, variant);
    const temp = join(this.dir, `.${key}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const fh = await open(temp, "wx", 0o600);
    let bytes = 0;
    let dropped = false;
    const drop = async () => {
      if (dropped) return;
      dropped = true;
      await fh.close().catch(() => undefined);
      await rm(temp, { force: true });
    };
    return {
      write: async (chunk) => {
        if (dropped) return;
        bytes += chunk.byteLength;
        try {
          if (bytes > this.maxEntryBytes) throw new Error("too large to keep");
          await fh.write(chunk);
        } catch {
          // Too large, or the disk is full: the review goes on without keeping this archive.
          await drop();
        }
      },
      commit: async () => {
        if (dropped) return;
        try {
          await fh.sync();
          await fh.close();
          // Atomic within one file system: a reader sees no entry, or all of it.
          await rename(temp, file);
          dropped = true;
          this.stats.storedBytes += bytes;
        } catch {
          await rm(temp, { force: true });
          dropped = true;
          return;
        }
        await this.evict().catch(() => undefined);
      },
      abort: drop,
    };
  }

  /** Removes the least recently used entries until the folder is within its budget; returns its size. */
  async evict(): Promise<number> {
    const names = await readdir(this.dir).catch((error) => (missing(error) ? [] : Promise.reject(error)));
    const entries: { file: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      const file = join(this.dir, name);
      const s = await stat(file).catch(() => undefined);
      if (!s) continue; // removed by another process meanwhile
      if (ENTRY.test(name)) entries.push({ file, size: s.size, mtimeMs: s.mtimeMs });
      else if (TEMP.test(name) && Date.now() - s.mtimeMs > STALE_TEMP_MS) await rm(file, { force: true });
    }
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      await rm(e.file, { force: true });
      total -= e.size;
      this.stats.evictedBytes += e.size;
    }
    this.stats.bytes = total;
    return total;
  }
}

let fromEnv: { key: string; cache: ArchiveCache | undefined } | undefined;

/**
 * The process's cache, from REACHDIFF_ARCHIVE_CACHE_DIR (unset: no cache; the image sets it) and
 * REACHDIFF_ARCHIVE_CACHE_MB (default 256; 0: no cache). One instance per process, so that its figures
 * add up.
 */
export function archiveCacheFromEnv(env: NodeJS.ProcessEnv = process.env): ArchiveCache | undefined {
  const dir = env.REACHDIFF_ARCHIVE_CACHE_DIR || "";
  const mb = env.REACHDIFF_ARCHIVE_CACHE_MB ? Number(env.REACHDIFF_ARCHIVE_CACHE_MB) : DEFAULT_ARCHIVE_CACHE_MB;
  const key = `${dir}\0${mb}`;
  if (fromEnv?.key !== key) {
    const cache = dir && Number.isFinite(mb) && mb > 0 ? new ArchiveCache(dir, mb * 2 ** 20) : undefined;
    // Its size for /metrics, and a crashed writer's leftovers removed.
    void cache?.evict().catch(() => undefined);
    fromEnv = { key, cache };
  }
  return fromEnv.cache;
}
