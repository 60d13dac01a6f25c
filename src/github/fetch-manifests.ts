// Reads the manifests of one commit through the GitHub API with a single request: the commit's
// tarball, streamed and filtered by the config's `paths` (never one request per file), and finds
// which files a pull request touches with one compare request.
import { posix } from "node:path";
import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import picomatch from "picomatch";
import tar from "tar-stream";
import type { ArchiveCache } from "./archive-cache.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { decodeUtf8, DEFAULT_MAX_FILE_BYTES, isManifestName, type ManifestFile } from "../manifests/load.js";
import type { GitHub, Repo } from "./types.js";

export interface Snapshot {
  readonly files: ManifestFile[];
  /** The other files, kept for rendering (chart templates, generator inputs) when asked for. */
  readonly inputs: RenderInput[];
  /** Files that match but could not be read (too big, not UTF-8). */
  readonly diagnostics: Diagnostic[];
}

/** A file that is not a watched manifest but that Kustomize or Helm may read. */
export interface RenderInput {
  readonly name: string;
  readonly text: Uint8Array;
}

export interface FetchLimits {
  readonly maxFileBytes?: number;
  /** Stop reading an archive past this many uncompressed bytes (default 2 GiB). */
  readonly maxArchiveBytes?: number;
  /**
   * Keep the files the globs do not match too, up to this many bytes in all (0, the default: keep
   * none). Rendering needs them: templates, helpers, .env and other generator inputs.
   */
  readonly maxInputBytes?: number;
  /** Archives by commit on disk: a commit read before is not downloaded again. */
  readonly cache?: ArchiveCache;
}

/** fetch without the Authorization header the client adds: for a download from another host. */
const withoutToken: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.delete("authorization");
  return fetch(input, { ...init, headers });
};

/**
 * The archive of a commit. The API answers with a redirect to the archive host (codeload, another
 * origin, a signed URL): that download goes through the same client (timeouts, retries, cancellation)
 * but without the token.
 */
async function openArchive(gh: GitHub, repo: Repo, sha: string): Promise<ReadableStream<Uint8Array> | null> {
  const response = await gh.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
    ...repo,
    ref: sha,
    request: { parseSuccessResponseBody: false, redirect: "manual" },
  });
  const location = (response.headers as Record<string, string | undefined>).location;
  if (response.status < 300 || response.status >= 400 || !location)
    return response.data as unknown as ReadableStream<Uint8Array> | null;
  const download = await gh.request({
    method: "GET",
    url: location,
    request: { parseSuccessResponseBody: false, fetch: withoutToken },
  } as never);
  return download.data as unknown as ReadableStream<Uint8Array> | null;
}

/** What a review keeps of the files the globs do not match, for rendering. */
export const DEFAULT_MAX_RENDER_INPUT_BYTES = 128 * 1024 * 1024;

const watched = (globs: readonly string[]) => picomatch([...globs], { dot: false });

/**
 * Files that change what is rendered though no glob matches them. Without the tree (the quick answer
 * is given before any archive is fetched) a changed file is taken for a render input by its kind:
 * Helm templates and helpers, chart and Kustomize markers, subchart archives. A Kustomize generator's
 * input (an .env or .properties file) only ever changes a ConfigMap or a Secret, never reachability.
 */
const RENDER_INPUT = picomatch(
  ["**/*.tpl", "**/templates/**", "**/charts/*.tgz", "**/Chart.lock", "**/.helmignore", "**/Kustomization"],
  { dot: true },
);

/** Whether a pull request's changed paths touch what Reachdiff reads: a watched file or, when rendering, an input of a render. */
export function touchesManifests(
  paths: readonly string[],
  globs: readonly string[],
  render: { readonly commandGlobs: readonly string[] } | false,
): boolean {
  const isWatched = watched(globs);
  if (paths.some((p) => isWatched(p))) return true;
  if (render === false) return false;
  // A render command's folder matches its glob; any file in it, or below, is its input.
  const isCommandFolder = render.commandGlobs.length
    ? picomatch([...render.commandGlobs], { dot: false })
    : () => false;
  const inCommandFolder = (p: string) => {
    for (let d = posix.dirname(p); d !== "."; d = posix.dirname(d))
      if (isCommandFolder(d) || isCommandFolder(`${d}/`)) return true;
    return false;
  };
  return paths.some((p) => RENDER_INPUT(p) || inCommandFolder(p));
}

/** Path inside the repository of a tarball entry ("owner-repo-sha/k8s/a.yaml" -> "k8s/a.yaml"). */
function repoPath(entryName: string): string {
  const slash = entryName.indexOf("/");
  return slash < 0 ? "" : entryName.slice(slash + 1);
}

class ArchiveTooLarge extends Error {}

export async function fetchManifests(
  gh: GitHub,
  repo: Repo,
  sha: string,
  globs: readonly string[],
  limits: FetchLimits = {},
): Promise<Snapshot> {
  const { cache } = limits;
  const cached = await cache?.read(repo, sha, (archive) => readArchive(archive, sha, globs, limits));
  if (cached) return cached;
  const body = await openArchive(gh, repo, sha);
  if (!body) return { files: [], inputs: [], diagnostics: [] };
  const download = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  if (!cache) return readArchive(download, sha, globs, limits);
  return cache.keep(repo, sha, (tap) => readArchive(download, sha, globs, limits, tap));
}

/** The manifests (and render inputs) of one commit's archive, a gzipped tarball. */
async function readArchive(
  archive: Readable,
  sha: string,
  globs: readonly string[],
  limits: FetchLimits,
  tap?: Transform,
): Promise<Snapshot> {
  const isMatch = watched(globs);
  const maxFile = limits.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxArchive = limits.maxArchiveBytes ?? 2 * 1024 ** 3;
  const files: ManifestFile[] = [];
  const inputs: RenderInput[] = [];
  const diagnostics: Diagnostic[] = [];
  let total = 0;
  let inputBytes = 0;
  let inputsDropped = 0;
  const maxInputs = limits.maxInputBytes ?? 0;
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    // An archive cut inside this entry fails the entry's stream too; the pipeline below reports it
    // (an entry stream's error with no listener would crash the process).
    stream.on("error", () => undefined);
    total += header.size ?? 0;
    if (total > maxArchive) {
      stream.resume();
      extract.destroy(new ArchiveTooLarge(`the repository archive of ${sha.slice(0, 7)} is over ${maxArchive} bytes`));
      return;
    }
    const path = repoPath(header.name);
    const size = header.size ?? 0;
    const isFile = header.type === "file" && path !== "";
    /** Reads the entry whole, then hands its bytes over and goes on to the next. */
    const keep = (use: (bytes: Buffer) => void) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        use(Buffer.concat(chunks));
        next();
      });
    };
    // Only .yaml, .yml and .json are manifests, whatever the globs match; the other files they match
    // (a chart's README, templates' helpers, a committed .tgz) are kept as render inputs.
    const matched = isFile && isMatch(path);
    if (matched && isManifestName(path)) {
      if (size <= maxFile)
        return keep((bytes) => {
          const text = decodeUtf8(bytes);
          if (text === null)
            diagnostics.push({
              severity: "error",
              file: path,
              line: 0,
              message: "file is not valid UTF-8; it is not read",
            });
          else files.push({ name: path, text });
        });
      diagnostics.push({
        severity: "error",
        file: path,
        line: 0,
        message: `file is ${header.size} bytes, over the limit of ${maxFile}; it is not read`,
      });
    } else if (isFile && maxInputs > 0 && size <= maxFile) {
      if (matched || inputBytes + size <= maxInputs) {
        inputBytes += size;
        return keep((bytes) => inputs.push({ name: path, text: bytes }));
      }
      inputsDropped++;
    }
    stream.on("end", next);
    stream.resume();
  });
  await (tap ? pipeline(archive, tap, createGunzip(), extract) : pipeline(archive, createGunzip(), extract));
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (inputsDropped)
    diagnostics.push({
      severity: "warning",
      file: ".",
      line: 0,
      message: `${inputsDropped} file(s) that no path glob matches were not kept for rendering: together they are over ${maxInputs} bytes; a chart or kustomization that reads them may fail to render`,
    });
  return { files, inputs, diagnostics };
}

export interface ChangedFiles {
  /** The commit the pull request branched from: the base side of the review. */
  readonly mergeBase: string;
  /** Paths added, changed, removed or renamed (both names of a rename). */
  readonly paths: readonly string[];
  /** False when GitHub cut the list short (300 files), so "touches no watched file" cannot be told. */
  readonly complete: boolean;
}

/** GitHub lists at most this many files in a comparison. */
const COMPARE_FILE_LIMIT = 300;

export async function changedFiles(gh: GitHub, repo: Repo, baseSha: string, headSha: string): Promise<ChangedFiles> {
  const { data } = await gh.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${baseSha}...${headSha}` });
  const files = data.files ?? [];
  const paths = files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]));
  return { mergeBase: data.merge_base_commit.sha, paths, complete: files.length < COMPARE_FILE_LIMIT };
}
