// Flux HelmReleases among an environment's objects whose chart is a folder of this repository (a
// GitRepository source): rendered for that environment as helm-controller does, with the values Flux
// composes: each valuesFrom (a ConfigMap or Secret of the release's namespace, its valuesKey, or one
// value at targetPath) in order, then spec.values last. The objects are the rendered ones (after
// Kustomize patches), so an overlay's values patch counts. A valuesFrom that cannot be resolved among
// the environment's objects is said at its line; Flux would not install the release without it (unless
// optional), so it is rendered without those values and said so.
import { stringify } from "yaml";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { RawObject } from "../manifests/parse.js";
import type { EnvironmentPart } from "./environments.js";
import { VALUES_NOT_FOUND } from "../manifests/render-codes.js";
import { resolveIn, type FileTree } from "./tree.js";

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

export const isFluxHelmRelease = (o: RawObject): boolean =>
  o.data.kind === "HelmRelease" && String(o.data.apiVersion).startsWith("helm.toolkit.fluxcd.io/");

export interface HelmReleaseParts {
  /** One chart part per HelmRelease rendered here, with its values. */
  readonly parts: EnvironmentPart[];
  /** The HelmRelease objects those parts render (the others are said not deployed here). */
  readonly rendered: ReadonlySet<RawObject>;
  readonly diagnostics: Diagnostic[];
}

/** Sets one value at a dotted path (`a.b.c`), as Flux's targetPath does for a flat value. */
function atPath(path: string, value: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(path)) return null;
  const keys = path.split(".");
  let out: unknown = value;
  for (const k of keys.reverse()) out = { [k]: out };
  return out as Record<string, unknown>;
}

/** The text of `key` in a ConfigMap or Secret (Secret data decoded), or undefined. */
function keyOf(o: RawObject, key: string): string | undefined {
  const d = o.data as { data?: unknown; stringData?: unknown };
  const plain = rec(d.stringData)[key] ?? (o.data.kind === "ConfigMap" ? rec(d.data)[key] : undefined);
  if (typeof plain === "string") return plain;
  const encoded = o.data.kind === "Secret" ? rec(d.data)[key] : undefined;
  return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : undefined;
}

/** The chart parts of the environment's Flux HelmReleases whose charts are folders of the tree (paths relative to `root`). */
export function helmReleaseParts(objects: readonly RawObject[], tree: FileTree, root: string): HelmReleaseParts {
  const parts: EnvironmentPart[] = [];
  const rendered = new Set<RawObject>();
  const diagnostics: Diagnostic[] = [];
  for (const o of objects) {
    if (!isFluxHelmRelease(o)) continue;
    const meta = rec(o.data.metadata);
    const spec = rec(o.data.spec);
    const chart = rec(rec(spec.chart).spec);
    const path = str(chart.chart);
    if (!path || str(rec(chart.sourceRef).kind) !== "GitRepository") continue;
    const dir = resolveIn(root, path.replace(/^\.\//, ""));
    if (dir === null || !tree.isFile(dir ? `${dir}/Chart.yaml` : "Chart.yaml")) continue;
    const name = str(meta.name) ?? "release";
    const namespace = str(meta.namespace);
    const targetNamespace = str(spec.targetNamespace);
    const where = (p: (string | number)[]) => ({ file: o.source.file, line: o.source.lineOf(p) });
    const inline: string[] = [];
    (Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []).forEach((v, i) => {
      const ref = rec(v);
      const kind = str(ref.kind);
      const refName = str(ref.name);
      const key = str(ref.valuesKey) ?? "values.yaml";
      const found = objects.find(
        (c) =>
          c.data.kind === kind &&
          c.data.apiVersion === "v1" &&
          rec(c.data.metadata).name === refName &&
          (str(rec(c.data.metadata).namespace) ?? namespace) === namespace,
      );
      const text = found ? keyOf(found, key) : undefined;
      if (text === undefined) {
        const optional = ref.optional === true;
        diagnostics.push({
          severity: optional ? "info" : "warning",
          ...where(["spec", "valuesFrom", i]),
          code: VALUES_NOT_FOUND,
          message: `Flux HelmRelease ${name}: valuesFrom ${kind ?? "?"} ${refName ?? "?"}${found ? ` has no key ${key}` : ` is not among this environment's manifests`}; ${optional ? "it is optional, and" : "Flux would not install the release without it; the chart is"} rendered without those values`,
        });
        return;
      }
      const target = str(ref.targetPath);
      if (!target) {
        inline.push(text);
        return;
      }
      const value = atPath(target, text.trim());
      if (value) inline.push(stringify(value));
      else
        diagnostics.push({
          severity: "warning",
          ...where(["spec", "valuesFrom", i, "targetPath"]),
          code: VALUES_NOT_FOUND,
          message: `Flux HelmRelease ${name}: targetPath ${target} is not read here (only dotted keys); the chart is rendered without that value`,
        });
    });
    if (spec.values !== undefined && spec.values !== null) inline.push(stringify(spec.values));
    rendered.add(o);
    parts.push({
      dir,
      namespace: targetNamespace ?? namespace,
      helm: {
        values: [],
        inline,
        release: str(spec.releaseName) ?? (targetNamespace ? `${targetNamespace}-${name}` : name),
      },
    });
  }
  return { parts, rendered, diagnostics };
}
