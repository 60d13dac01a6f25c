// A commit's files as a review selects them (fetchManifests' snapshot) kept in the archive cache's
// folder and budget: the merge base many pull requests share is then neither downloaded nor unpacked
// again, only read back (its watched manifests and render inputs, not the whole archive). The key holds
// the repository, the commit, the globs and limits that select the files, and what reads them:
// Reachdiff's version, the versions of the libraries that select and unpack the files (picomatch,
// tar-stream; yaml plays no part, manifests are parsed after the cache on every read), Node's version
// (gunzip, UTF-8 decoding) and FORMAT, bumped by hand when the reading or the entry's layout changes
// between releases. The versions are read from the installed packages' package.json, what actually
// runs (a lockfile is not shipped with the package and may disagree with node_modules); the source text
// of the reading functions, the key before, missed a change in a helper they call or a dependency.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { DEFAULT_MAX_FILE_BYTES } from "../manifests/load.js";
import { packageVersion } from "../manifests/package-version.js";
import type { ArchiveCache } from "./archive-cache.js";
import { type FetchLimits, fetchManifests, type Snapshot } from "./fetch-manifests.js";
import type { GitHub, Repo } from "./types.js";

/** Bumped by hand when fetchManifests reads or selects differently, or the entry's layout changes. */
const FORMAT = 2;
/** The libraries whose behaviour shapes a snapshot: glob matching and tar unpacking. */
const LIBRARIES = ["picomatch", "tar-stream"] as const;

/** An installed package's version: its package.json, found upwards from its entry point. */
function installedVersion(name: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      } catch {
        // no package.json here: look further up
      }
      if (dirname(dir) === dir) break;
      dir = dirname(dir);
    }
  } catch {
    // not resolvable (a bundle that holds it): say so, which is a key of its own
  }
  return "unresolved";
}

/** What reads a snapshot besides its globs and limits. */
export interface ReaderIdentity {
  readonly format: number;
  readonly reachdiff: string;
  readonly libraries: Readonly<Record<string, string>>;
  readonly node: string;
  readonly maxFileBytes: number;
}

let identity: ReaderIdentity | undefined;

/** This process's reader (read once). */
export function readerIdentity(): ReaderIdentity {
  identity ??= {
    format: FORMAT,
    reachdiff: packageVersion(),
    libraries: Object.fromEntries(LIBRARIES.map((name) => [name, installedVersion(name)])),
    node: process.versions.node,
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  };
  return identity;
}

/** The entry's key besides the repository and the commit: the reader, the globs and the limits. */
export function snapshotKey(
  globs: readonly string[],
  limits: FetchLimits,
  reader: ReaderIdentity = readerIdentity(),
): string {
  const { maxFileBytes, maxArchiveBytes, maxInputBytes } = limits;
  const readerHash = createHash("sha256").update(JSON.stringify(reader)).digest("hex");
  return JSON.stringify({ reader: readerHash, globs, maxFileBytes, maxArchiveBytes, maxInputBytes });
}

const isText = (v: unknown): v is string => typeof v === "string";

/** A snapshot back from its entry; throws on anything else (gzip checks length and CRC, then the shape). */
async function decode(bytes: Buffer): Promise<Snapshot> {
  const value = deserialize(await promisify(gunzip)(bytes)) as Partial<Snapshot> | null;
  const ok =
    Array.isArray(value?.files) &&
    value.files.every((f) => isText(f?.name) && isText(f?.text)) &&
    Array.isArray(value.inputs) &&
    value.inputs.every((f) => isText(f?.name) && f?.text instanceof Uint8Array) &&
    Array.isArray(value.diagnostics) &&
    value.diagnostics.every((d) => isText(d?.file) && isText(d?.message));
  if (!ok) throw new Error("not a snapshot");
  return value as Snapshot;
}

/** fetchManifests through the cache: a snapshot read before comes from disk; a new one is kept. */
export async function fetchManifestsCached(
  gh: GitHub,
  repo: Repo,
  sha: string,
  globs: readonly string[],
  limits: FetchLimits = {},
): Promise<Snapshot> {
  const { cache } = limits;
  if (!cache) return fetchManifests(gh, repo, sha, globs, limits);
  const key = snapshotKey(globs, limits);
  const cached = await cache.readParsed(repo, sha, key, decode);
  if (cached) return cached;
  const snapshot = await fetchManifests(gh, repo, sha, globs, limits);
  // An empty snapshot costs nothing to make again, and may be a glitch (an archive with no body).
  if (snapshot.files.length || snapshot.inputs.length || snapshot.diagnostics.length)
    await keep(cache, repo, sha, key, snapshot);
  return snapshot;
}

async function keep(cache: ArchiveCache, repo: Repo, sha: string, key: string, snapshot: Snapshot): Promise<void> {
  try {
    // Level 1: most of the gain for little CPU (manifests are text; inputs may be archives already).
    await cache.keepParsed(repo, sha, key, await promisify(gzip)(serialize(snapshot), { level: 1 }));
  } catch {
    // Keeping is best effort: the review goes on with the snapshot in hand.
  }
}
