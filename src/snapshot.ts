// One snapshot of a repository's manifests, loaded and modelled: the entry point every front door uses.
import { Diagnostics, type Diagnostic } from "./manifests/diagnostics.js";
import { existsSync, statSync } from "node:fs";
import { parseManifestFiles, readManifestFiles, type LoadOptions, type ManifestFile } from "./manifests/load.js";
import { ParseCache, type PrefetchOptions } from "./manifests/parse-cache.js";
import { isGitRef, readGitTree } from "./sources/git.js";
import { buildCluster, type BuildOptions } from "./model/build.js";
import type { Cluster } from "./model/types.js";
import { RenderCache, type RenderOptions } from "./render/options.js";
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
    /** How loadSides spreads the parsing over threads (default: every available core, from 2 MB of text). */
    readonly prefetch?: PrefetchOptions;
  };

const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The files that are read raw: those outside every rendered unit. */
function unclaimed(files: readonly ManifestFile[], rendered: readonly (RenderedSide | undefined)[]): ManifestFile[] {
  const claimed = new Set(rendered.flatMap((r) => [...(r?.claimed ?? [])]));
  return files.filter((f) => !claimed.has(f.name));
}

/** Raw files outside every rendered unit, plus what the units rendered. */
function assemble(
  files: readonly ManifestFile[],
  rendered: readonly (RenderedSide | undefined)[],
  options: SnapshotOptions,
  diagnostics: Diagnostics,
): Cluster {
  const objects = parseManifestFiles(unclaimed(files, rendered), diagnostics, options.parseCache);
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
  const rendered =
    render === false
      ? []
      : paths
          .filter(isFolder)
          .map((p) =>
            renderSafely(p, () =>
              renderFolderSync(p, options.displayRoot ?? process.cwd(), render, options.maxFileBytes),
            ),
          );
  return assemble(readManifestFiles(paths, diagnostics, options), rendered, options, diagnostics);
}

/**
 * A side of a diff: a folder (file names relative to it, so base/ and head/ name files alike) or a
 * git ref of the repository in the current directory (reading the files that match `globs`).
 */
export function loadSide(spec: string, options: SnapshotOptions & { globs?: readonly string[] } = {}): Cluster {
  const side = collectSide(spec, options);
  return assemble(side.files, side.rendered, options, side.diagnostics);
}

/** What a side is made of before anything is parsed: its files, its rendered units, what went wrong reading them. */
interface CollectedSide {
  readonly files: readonly ManifestFile[];
  readonly rendered: readonly (RenderedSide | undefined)[];
  readonly diagnostics: Diagnostics;
}

function collectSide(spec: string, options: SnapshotOptions & { globs?: readonly string[] }): CollectedSide {
  const diagnostics = new Diagnostics();
  const render = options.render;
  if (existsSync(spec)) {
    const isDir = statSync(spec).isDirectory();
    const rendered =
      isDir && render !== false
        ? renderSafely(spec, () => renderFolderSync(spec, spec, render, options.maxFileBytes))
        : undefined;
    return {
      files: readManifestFiles([spec], diagnostics, { ...options, displayRoot: isDir ? spec : undefined }),
      rendered: [rendered],
      diagnostics,
    };
  }
  if (!isGitRef(spec)) throw new SideError(`${spec} is neither a file or folder nor a git ref of the repository here`);
  const files = readGitTree(spec, options.globs ?? [], diagnostics, process.cwd(), options.maxFileBytes);
  const rendered =
    render === false
      ? undefined
      : renderSafely(spec, () => renderGitSync(spec, options.globs ?? [], render, process.cwd(), options.maxFileBytes));
  return { files, rendered: [rendered], diagnostics };
}

/**
 * The two sides of a diff (see loadSide). A pull request leaves nearly every file as it was: a file
 * with the same name and text on both sides is parsed once, and its objects are shared. Both sides'
 * files are read first, then every distinct file is parsed, spread over the machine's cores.
 */
export function loadSides(
  base: string,
  head: string,
  options: SnapshotOptions & { globs?: readonly string[] } = {},
): [Cluster, Cluster] {
  const parseCache = options.parseCache ?? new ParseCache();
  const sides = [collectSide(base, options), collectSide(head, options)];
  parseCache.prefetch(
    sides.flatMap((s) => unclaimed(s.files, s.rendered)),
    options.prefetch,
  );
  const shared = { ...options, parseCache };
  return [
    assemble(sides[0].files, sides[0].rendered, shared, sides[0].diagnostics),
    assemble(sides[1].files, sides[1].rendered, shared, sides[1].diagnostics),
  ];
}

/** A side fetched through the API (the App): its files, named relative to the repository root. */
export interface FetchedSide {
  /** The manifests the globs match. */
  readonly files: readonly ManifestFile[];
  /** Other files a render may read (templates, generator inputs). */
  readonly inputs?: readonly { readonly name: string; readonly text: Uint8Array }[];
  /** What went wrong fetching them (too big, not UTF-8), reported with the side's other problems. */
  readonly problems?: readonly Diagnostic[];
}

/**
 * One fetched side. Units are rendered in a private temporary folder that is removed afterwards;
 * the files of a rendered unit are not also read raw.
 */
export async function loadFetchedSide(
  side: FetchedSide,
  options: SnapshotOptions & { globs?: readonly string[] } = {},
): Promise<Cluster> {
  const diagnostics = new Diagnostics();
  for (const p of side.problems ?? []) diagnostics.add(p);
  const globs = options.globs ?? [];
  const render = options.render;
  const rendered =
    render === false ? undefined : await renderFetchedFiles([...side.files, ...(side.inputs ?? [])], globs, render);
  return assemble(manifestFiles(side.files, globs), [rendered], options, diagnostics);
}

/**
 * Both fetched sides of a pull request: base first, so that head reuses base's render of every unit
 * whose inputs did not change (one render cache for the two), and one parse per distinct file.
 */
export async function loadFetchedSides(
  base: FetchedSide,
  head: FetchedSide,
  options: SnapshotOptions & { globs?: readonly string[] } = {},
): Promise<[Cluster, Cluster]> {
  const render: RenderOptions | false =
    options.render === false
      ? false
      : { ...options.render, cache: options.render?.cache === undefined ? new RenderCache() : options.render.cache };
  const shared = { ...options, render, parseCache: options.parseCache ?? new ParseCache() };
  const baseCluster = await loadFetchedSide(base, shared);
  return [baseCluster, await loadFetchedSide(head, shared)];
}

export class SideError extends Error {}
