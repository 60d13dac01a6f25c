// One snapshot of a repository's manifests, loaded and modelled: the entry point every front door uses.
import { Diagnostics } from "./manifests/diagnostics.js";
import { loadManifests, type LoadOptions } from "./manifests/load.js";
import { buildCluster, type BuildOptions } from "./model/build.js";
import type { Cluster } from "./model/types.js";

export type SnapshotOptions = LoadOptions & BuildOptions;

export function loadSnapshot(paths: readonly string[], options: SnapshotOptions = {}): Cluster {
  const diagnostics = new Diagnostics();
  const objects = loadManifests(paths, diagnostics, options);
  return buildCluster(objects, options, diagnostics);
}
