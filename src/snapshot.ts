// One snapshot of a repository's manifests, loaded and modelled: the entry point every front door uses.
import { Diagnostics } from "./manifests/diagnostics.js";
import { existsSync, statSync } from "node:fs";
import { parseManifestFiles, readManifestFiles, type LoadOptions, type ManifestFile } from "./manifests/load.js";
import { ParseCache } from "./manifests/parse-cache.js";
import { isGitRef, readGitTree } from "./sources/git.js";
import { buildCluster, type BuildOptions } from "./model/build.js";
import type { Cluster } from "./model/types.js";
import type { RenderOptions } from "./render/options.js";
import type { RenderedSide } from "./render/render.js";
import { manifestFiles, renderFetchedFiles, renderFolderSync, renderGitSync, renderSafely } from "./render/sides.js";

export type SnapshotOptions = LoadOptions &
  BuildOptions & {
    /** How Kustomize roots, Helm charts and render commands are rendered (default: kustomize and helm, safely); false reads every file raw. */
    readonly render?: RenderOptions | false;
    /** Parse results to reuse and add to (loadSides shares one between base and head). */
    readonly parseCache?: ParseCache;
    /** Called when a snapshot's files are parsed and when its model is built (for timing). */
    readonly onPhase?: (phase: "parsed" | "modelled") => void;
  };

const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** Raw files outside every rendered unit, plus what the units rendered. */
function assemble(files: readonly ManifestFile[], rendered: readonly (RenderedSide | undefined)[], options: SnapshotOptions, diagnostics: Diagnostics): Cluster {
  const claimed = new Set(rendered.flatMap((r) => [...(r?.claimed ?? [])]));
  const objects = parseManifestFiles(files.filter((f) => !claimed.has(f.name)), diagnostics, options.parseCache);
  for (const r of rendered) {
    objects.push(...(r?.objects ?? []));
    for (const d of r?.diagnostics ?? []) diagnostics.add(d);
  }
  options.onPhase?.("parsed");
  const cluster = buildCluster(objects, options, diagnostics);
  options.onPhase?.("modelled");
  return cluster;
}

export function loadSnapshot(paths: readonly string[], options: SnapshotOptions = {}): Cluster {
  const diagnostics = new Diagnostics();
  const render = options.render;
  const rendered = render === false ? [] : paths.filter(isFolder).map((p) => renderSafely(p, () => renderFolderSync(p, options.displayRoot ?? process.cwd(), render, options.maxFileBytes)));
  return assemble(readManifestFiles(paths, diagnostics, options), rendered, options, diagnostics);
}

/**
 * A side of a diff: a folder (file names relative to it, so base/ and head/ name files alike) or a
 * git ref of the repository in the current directory (reading the files that match `globs`).
 */
export function loadSide(spec: string, options: SnapshotOptions & { globs?: readonly string[] } = {}): Cluster {
  const diagnostics = new Diagnostics();
  const render = options.render;
  if (existsSync(spec)) {
    const isDir = statSync(spec).isDirectory();
    const rendered = isDir && render !== false ? renderSafely(spec, () => renderFolderSync(spec, spec, render, options.maxFileBytes)) : undefined;
    return assemble(readManifestFiles([spec], diagnostics, { ...options, displayRoot: isDir ? spec : undefined }), [rendered], options, diagnostics);
  }
  if (!isGitRef(spec)) throw new SideError(`${spec} is neither a file or folder nor a git ref of the repository here`);
  const files = readGitTree(spec, options.globs ?? [], diagnostics, process.cwd(), options.maxFileBytes);
  const rendered = render === false ? undefined : renderSafely(spec, () => renderGitSync(spec, options.globs ?? [], render, process.cwd(), options.maxFileBytes));
  return assemble(files, [rendered], options, diagnostics);
}

/**
 * The two sides of a diff (see loadSide). A pull request leaves nearly every file as it was: a file
 * with the same name and text on both sides is parsed once, and its objects are shared.
 */
export function loadSides(base: string, head: string, options: SnapshotOptions & { globs?: readonly string[] } = {}): [Cluster, Cluster] {
  const shared = { ...options, parseCache: options.parseCache ?? new ParseCache() };
  return [loadSide(base, shared), loadSide(head, shared)];
}

/**
 * A side fetched through the API (the App): every fetched file, named relative to the repository
 * root. Units are rendered in a private temporary folder that is removed afterwards.
 */
export async function loadFetchedSide(files: readonly ManifestFile[], options: SnapshotOptions & { globs?: readonly string[] } = {}): Promise<Cluster> {
  const diagnostics = new Diagnostics();
  const globs = options.globs ?? [];
  const render = options.render;
  const rendered = render === false ? undefined : await renderFetchedFiles(files, globs, render);
  return assemble(manifestFiles(files, globs), [rendered], options, diagnostics);
}

export class SideError extends Error {}
