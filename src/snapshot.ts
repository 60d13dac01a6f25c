// One snapshot of a repository's manifests, loaded and modelled: the entry point every front door uses.
import { Diagnostics } from "./manifests/diagnostics.js";
import { existsSync, statSync } from "node:fs";
import { loadManifests, parseManifestFiles, type LoadOptions } from "./manifests/load.js";
import { isGitRef, readGitTree } from "./sources/git.js";
import { buildCluster, type BuildOptions } from "./model/build.js";
import type { Cluster } from "./model/types.js";

export type SnapshotOptions = LoadOptions & BuildOptions;

export function loadSnapshot(paths: readonly string[], options: SnapshotOptions = {}): Cluster {
  const diagnostics = new Diagnostics();
  const objects = loadManifests(paths, diagnostics, options);
  return buildCluster(objects, options, diagnostics);
}

/**
 * A side of a diff: a folder (file names relative to it, so base/ and head/ name files alike) or a
 * git ref of the repository in the current directory (reading the files that match `globs`).
 */
export function loadSide(spec: string, options: SnapshotOptions & { globs?: readonly string[] } = {}): Cluster {
  const diagnostics = new Diagnostics();
  if (existsSync(spec)) {
    const isDir = statSync(spec).isDirectory();
    const objects = loadManifests([spec], diagnostics, { ...options, displayRoot: isDir ? spec : undefined });
    return buildCluster(objects, options, diagnostics);
  }
  if (!isGitRef(spec)) throw new SideError(`${spec} is neither a file or folder nor a git ref of the repository here`);
  const files = readGitTree(spec, options.globs ?? [], diagnostics, process.cwd(), options.maxFileBytes);
  return buildCluster(parseManifestFiles(files, diagnostics), options, diagnostics);
}

export class SideError extends Error {}
