// Rendering for each kind of side: a folder (in place), a git ref of the local repository, and files
// fetched through the API (written to a private temporary folder that is removed afterwards).
import picomatch from "picomatch";
import { execFileSync } from "node:child_process";
import { posix } from "node:path";
import { DEFAULT_PATHS } from "../config/schema.js";
import type { ManifestFile } from "../manifests/load.js";
import type { Scope } from "./discover.js";
import type { RenderOptions } from "./options.js";
import { renderTree, renderTreeSync, type RenderedSide } from "./render.js";
import { DirTree } from "./dir-tree.js";
import { GitTree, MemoryTree } from "./tree.js";
import { DEFAULT_MAX_FILE_BYTES, MANIFEST_EXTENSIONS } from "../manifests/load.js";
import { RENDER_FAILED } from "../manifests/render-codes.js";

/** Files among the configured globs; a `Kustomization` file counts when its folder's YAML would. */
export function globScope(globs: readonly string[], prefix = ""): Scope {
  const isMatch = picomatch(globs.length ? [...globs] : DEFAULT_PATHS, { dot: false });
  const matches = (p: string) =>
    isMatch(p) || (prefix !== "" && p.startsWith(prefix) && isMatch(p.slice(prefix.length)));
  return {
    folders: [""],
    includes: (p) =>
      matches(p) ||
      (posix.basename(p) === "Kustomization" && matches(posix.join(posix.dirname(p), "kustomization.yaml"))),
  };
}

/** A folder on disk, rendered in place. Names are shown relative to `displayRoot`, as the loader shows them. */
export function renderFolderSync(
  folder: string,
  displayRoot: string,
  options: RenderOptions = {},
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): RenderedSide {
  const { tree, scope } = DirTree.around(folder, displayRoot, maxFileBytes);
  // The folder is the repository as far as the configuration's paths are concerned.
  return renderTreeSync(tree, { folders: [scope], includes: () => true, base: scope }, options);
}

/** A commit of the git repository at `cwd`: the files the units need are written out, then removed. */
export function renderGitSync(
  ref: string,
  globs: readonly string[],
  options: RenderOptions = {},
  cwd = process.cwd(),
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): RenderedSide {
  const prefix = execFileSync("git", ["rev-parse", "--show-prefix"], { cwd, encoding: "utf8" }).trim();
  return renderTreeSync(GitTree.open(ref, cwd, maxFileBytes), globScope(globs, prefix), options);
}

/**
 * Files fetched through the API (names relative to the repository root): written to a private
 * temporary folder, rendered there, and the folder removed. Give every file of the rendered folders,
 * not only the YAML: kustomize generators read .env and .properties files, charts read templates.
 */
export async function renderFetchedFiles(
  files: readonly { readonly name: string; readonly text: string | Uint8Array }[],
  globs: readonly string[],
  options: RenderOptions = {},
): Promise<RenderedSide> {
  const tree = new MemoryTree(files);
  const side = await renderTree(tree, globScope(globs), options);
  for (const name of tree.refused)
    side.diagnostics.push({
      severity: "error",
      file: name,
      line: 0,
      code: RENDER_FAILED,
      message: "file name is absolute, climbs out of the repository or repeats another; it is not used for rendering",
    });
  return side;
}

/** Runs a render, turning an unexpected failure (no temporary folder, git error) into a diagnostic. */
export function renderSafely(what: string, render: () => RenderedSide): RenderedSide | undefined {
  try {
    return render();
  } catch (e) {
    return {
      objects: [],
      claimed: new Set(),
      units: [],
      outputs: [],
      diagnostics: [
        {
          severity: "error",
          file: what,
          line: 0,
          code: RENDER_FAILED,
          message: `rendering failed, so Kustomize roots and charts here are read as plain files: ${(e as Error).message}`,
        },
      ],
    };
  }
}

/** The fetched files the loader reads raw: manifests among the configured globs. */
export function manifestFiles<T extends ManifestFile>(files: readonly T[], globs: readonly string[]): T[] {
  const scope = globScope(globs);
  return files.filter(
    (f) => MANIFEST_EXTENSIONS.includes(posix.extname(f.name).toLowerCase()) && scope.includes(f.name),
  );
}
