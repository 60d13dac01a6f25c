// Both sides of a pull request as the cluster would get them: each commit's files through one archive
// request, Kustomize roots and Helm charts rendered in a private temporary folder (with the base
// branch's render settings, never the head's), and modelled.
import type { Config } from "../config/schema.js";
import type { Cluster } from "../model/types.js";
import { renderOptionsFromConfig } from "../render/options.js";
import { loadFetchedSide, loadFetchedSides, type FetchedSide } from "../snapshot.js";
import { DEFAULT_MAX_RENDER_INPUT_BYTES, fetchManifests, touchesManifests } from "./fetch-manifests.js";
import type { GitHub, Repo } from "./types.js";

/** One commit's files: the watched manifests, and what a render may read besides. */
async function fetchSide(gh: GitHub, repo: Repo, sha: string, config: Config): Promise<FetchedSide> {
  const snapshot = await fetchManifests(gh, repo, sha, config.paths, { maxInputBytes: DEFAULT_MAX_RENDER_INPUT_BYTES });
  return { files: snapshot.files, inputs: snapshot.inputs, problems: snapshot.diagnostics };
}

/** `trusted` is the base branch's configuration: it decides which commands run and whether remote bases are fetched. */
const sideOptions = (trusted: Config) => ({ globs: trusted.paths, defaultNamespace: trusted["default-namespace"], render: renderOptionsFromConfig(trusted) });

export async function fetchClusters(gh: GitHub, repo: Repo, baseSha: string, headSha: string, trusted: Config): Promise<[Cluster, Cluster]> {
  const base = await fetchSide(gh, repo, baseSha, trusted);
  const head = await fetchSide(gh, repo, headSha, trusted);
  return loadFetchedSides(base, head, sideOptions(trusted));
}

export async function fetchCluster(gh: GitHub, repo: Repo, sha: string, trusted: Config): Promise<Cluster> {
  return loadFetchedSide(await fetchSide(gh, repo, sha, trusted), sideOptions(trusted));
}

/** Whether the changed paths touch what the review reads (a watched manifest, or an input of a render). */
export function touchesReview(paths: readonly string[], trusted: Config): boolean {
  return touchesManifests(paths, trusted.paths, { commandGlobs: trusted["allow-render-commands"] ? trusted.render.map((r) => r.glob) : [] });
}
