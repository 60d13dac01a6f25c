// Rendered output back to the files it came from: each object's source from kustomize's origin
// annotation, the Helm template it was made from, or a search of the unit's files; objects a Helm
// release installs get its namespace.
import { realpathSync } from "node:fs";
import { posix, relative, resolve, sep } from "node:path";
import type { Diagnostics } from "../manifests/diagnostics.js";
import { parseManifestText, type RawObject } from "../manifests/parse.js";
import type { Unit } from "./discover.js";
import { helmSources, type RenderedSource, SourceMapper, takeOrigin } from "./source-map.js";
import { type FileTree, treePath } from "./tree.js";

/** Gives an object that names no namespace the one it is applied in (cluster-scoped kinds ignore it). */
function withNamespace(data: Record<string, unknown>, namespace: string): void {
  const meta = data.metadata;
  if (meta && typeof meta === "object" && !Array.isArray(meta)) {
    const m = meta as Record<string, unknown>;
    if (m.namespace === undefined || m.namespace === null || m.namespace === "") m.namespace = namespace;
  }
}

/**
 * The objects of a unit's output, each with the file and line it came from (RenderedSource); `unmapped`
 * counts those found nowhere (they point to the output). `root` is the folder the tree was rendered in;
 * `originBase` the folder kustomize's origin paths are relative to.
 */
export function mapObjects(
  tree: FileTree,
  root: string,
  unit: Unit,
  originBase: string | undefined,
  output: string,
  diagnostics: Diagnostics,
): { objects: RawObject[]; unmapped: number } {
  const realRoot = realpathSync(root);
  // Kustomize may name files by their real path: try the root as given, then as it really is.
  const toTree = (base: string, path: string) => {
    const abs = resolve(base, path);
    for (const r of [root, realRoot]) {
      const p = treePath(relative(r, abs).split(sep).join("/"));
      if (p !== null) return p;
    }
    return null;
  };
  const outputName = `${tree.display(unit.anchor)} (rendered)`;
  const raw = parseManifestText(outputName, output, diagnostics);
  const mapper = new SourceMapper(tree, unit);
  // Templates of a file:// dependency are named under charts/<name> of the chart: they are in its own folder.
  const placed = [...(unit.helm?.dependencies ?? [])]
    .map((d) => ({ prefix: `${unit.dir ? `${unit.dir}/` : ""}${d.at}/`, dir: d.dir }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const inTree = (p: string) => {
    const d = placed.find((x) => p.startsWith(x.prefix));
    return d ? posix.join(d.dir, p.slice(d.prefix.length)) : p;
  };
  const templates =
    unit.kind === "helm" ? helmSources(output, unit.dir).map((t) => ({ ...t, path: inTree(t.path) })) : [];
  let unmapped = 0;
  const objects = raw.map((o) => {
    const data = o.data;
    const line = o.source.line;
    let source: RenderedSource | undefined;
    const origin = unit.kind === "kustomize" ? takeOrigin(data) : undefined;
    if (origin?.path && !origin.repo && originBase) {
      const path = toTree(originBase, origin.path);
      if (path !== null) source = mapper.inFile(path, data, line) ?? mapper.template(path, data, line);
    } else if (origin?.configuredIn && originBase) {
      const path = toTree(originBase, origin.configuredIn);
      if (path !== null) source = mapper.template(path, data, line);
    } else if (unit.kind === "helm") {
      const template = templates.filter((t) => t.line < line).at(-1);
      if (template) source = mapper.template(template.path, data, line);
    }
    source ??= mapper.search(data, line);
    if (!source) {
      unmapped++;
      source = mapper.output(line);
    }
    // Installed into the release's namespace (`helm install -n`), as objects that name none are.
    const namespace = unit.helm?.namespace;
    if (namespace) withNamespace(data, namespace);
    return { data, source };
  });
  return { objects, unmapped };
}
