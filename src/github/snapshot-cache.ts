// A commit's files as a review selects them (fetchManifests' snapshot) kept in the archive cache's
// folder and budget: the merge base many pull requests share is then neither downloaded nor unpacked
// again, only read back (its watched manifests and render inputs, not the whole archive). The key holds
// the repository, the commit, the globs and limits that select the files, and the code that reads them.
import { createHash } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { ArchiveCache } from "./archive-cache.js";
import { type FetchLimits, fetchManifests, type Snapshot, snapshotReader } from "./fetch-manifests.js";
import type { GitHub, Repo } from "./types.js";

/** Bumped when the entry's layout changes (the reader's code is in the key besides). */
const FORMAT = 1;

let reader: string | undefined;

/** Everything besides the repository and the commit that shapes a snapshot. */
function variant(globs: readonly string[], limits: FetchLimits): string {
  reader ??= createHash("sha256").update(snapshotReader()).digest("hex");
  const { maxFileBytes, maxArchiveBytes, maxInputBytes } = limits;
  return JSON.stringify({ format: FORMAT, reader, globs, maxFileBytes, maxArchiveBytes, maxInputBytes });
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
  const key = variant(globs, limits);
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
