// Both sides of a pull request as the cluster would get them: each commit's files through one archive
// request, Kustomize roots and Helm charts rendered in a private temporary folder (with the base
// branch's render settings, never the head's), and modelled.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Config } from "../config/schema.js";
import type { ArchiveCache } from "./archive-cache.js";
import { review } from "../review/review.js";
import { MAX_TRACES } from "../review/traces.js";
import { publishedReview, type ReviewSummary } from "./check-output.js";
import type { Cluster } from "../model/types.js";
import { renderOptionsFromConfig } from "../render/options.js";
import { environmentPairs, loadFetchedEnvironmentSides } from "../environments.js";
import { loadFetchedSide, type FetchedSide } from "../snapshot.js";
import { DEFAULT_MAX_RENDER_INPUT_BYTES, touchesManifests } from "./fetch-manifests.js";
import { fetchManifestsCached } from "./snapshot-cache.js";
import type { GitHub, Repo } from "./types.js";

/** One commit's files: the watched manifests, and what a render may read besides. */
async function fetchSide(
  gh: GitHub,
  repo: Repo,
  sha: string,
  config: Config,
  signal?: AbortSignal,
  cache?: ArchiveCache,
): Promise<FetchedSide> {
  signal?.throwIfAborted();
  const snapshot = await fetchManifestsCached(gh, repo, sha, config.paths, {
    maxInputBytes: DEFAULT_MAX_RENDER_INPUT_BYTES,
    cache,
  });
  return { files: snapshot.files, inputs: snapshot.inputs, problems: snapshot.diagnostics };
}

/** `trusted` is the base branch's configuration: it decides which commands run and whether remote bases are fetched. */
const sideOptions = (trusted: Config) => ({
  globs: trusted.paths,
  defaultNamespace: trusted["default-namespace"],
  render: renderOptionsFromConfig(trusted),
});

export async function fetchSides(
  gh: GitHub,
  repo: Repo,
  baseSha: string,
  headSha: string,
  trusted: Config,
  signal?: AbortSignal,
  cache?: ArchiveCache,
): Promise<[FetchedSide, FetchedSide]> {
  // Both archives at once: the review waits for the slower one only (and, should one fail, for the
  // other to end too, so that no request of this review outlives it).
  const [base, head] = await Promise.allSettled([
    fetchSide(gh, repo, baseSha, trusted, signal, cache),
    fetchSide(gh, repo, headSha, trusted, signal, cache),
  ]);
  if (base.status === "rejected") throw base.reason;
  if (head.status === "rejected") throw head.reason;
  return [base.value, head.value];
}

/** Both fetched sides and what the review needs besides: plain data, so that it can cross to a worker thread. */
export interface FetchedReview {
  readonly base: FetchedSide;
  readonly head: FetchedSide;
  /** The base branch's configuration. */
  readonly config: Config;
  readonly headSha?: string;
  readonly repoUrl?: string;
  readonly reportUrl?: string;
}

/** Render, model, analyse and write the review, on this thread. */
export async function reviewFetchedHere(input: FetchedReview): Promise<ReviewSummary> {
  // Each environment the repository deploys is its own cluster (one pair, unnamed, when it deploys one).
  const [base, head] = await loadFetchedEnvironmentSides(input.base, input.head, {
    ...sideOptions(input.config),
    environments: input.config.environments,
  });
  const globs = `the files matching ${input.config.paths.join(", ")}`;
  const read = { base: globs, head: globs };
  return publishedReview(
    review({ environments: environmentPairs(base, head), config: input.config, read, traces: MAX_TRACES }),
    {
      headSha: input.headSha,
      repoUrl: input.repoUrl,
      reportUrl: input.reportUrl,
    },
  );
}

const WORKER = new URL("./review-worker.js", import.meta.url);

/**
 * The review of two fetched sides. With `thread`, on a worker thread: a large repository's analysis
 * takes seconds of CPU, and the App's event loop must keep answering webhooks (GitHub gives up on a
 * delivery after 10 s) meanwhile; on abort (the review's deadline) the worker is stopped. Without the
 * compiled worker next to this module (a bundle) or without `thread` (the Action), on this thread.
 */
export async function reviewFetched(
  input: FetchedReview,
  options: { thread?: boolean; signal?: AbortSignal; memoryMb?: number } = {},
): Promise<ReviewSummary> {
  const workerFile = WORKER.protocol === "file:" ? fileURLToPath(WORKER) : null;
  if (!options.thread || !workerFile || !existsSync(workerFile)) return reviewFetchedHere(input);
  options.signal?.throwIfAborted();
  return new Promise<ReviewSummary>((resolve, reject) => {
    const worker = new Worker(workerFile, {
      workerData: input,
      ...(options.memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } } : {}),
    });
    const stop = () => {
      void worker.terminate();
      reject(options.signal!.reason);
    };
    options.signal?.addEventListener("abort", stop, { once: true });
    const done = () => options.signal?.removeEventListener("abort", stop);
    worker.once("message", (m: { summary?: ReviewSummary; error?: string }) => {
      done();
      void worker.terminate();
      if (m.summary) resolve(m.summary);
      else reject(new Error(m.error ?? "the review worker stopped without an answer"));
    });
    worker.once("error", (e) => {
      done();
      reject(e);
    });
    worker.once("exit", (code) => {
      done();
      reject(new Error(`the review worker exited (${code}) without an answer`));
    });
  });
}

export async function fetchCluster(
  gh: GitHub,
  repo: Repo,
  sha: string,
  trusted: Config,
  cache?: ArchiveCache,
): Promise<Cluster> {
  return loadFetchedSide(await fetchSide(gh, repo, sha, trusted, undefined, cache), sideOptions(trusted));
}

/** Whether the changed paths touch what the review reads (a watched manifest, or an input of a render). */
export function touchesReview(paths: readonly string[], trusted: Config): boolean {
  return touchesManifests(paths, trusted.paths, {
    commandGlobs: trusted["allow-render-commands"] ? trusted.render.map((r) => r.glob) : [],
  });
}
