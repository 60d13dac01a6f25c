// One file: finding a repository's environments, because config, Argo CD, Flux and roots are tried in one order.
// What a repository deploys, as separate environments (one cluster each), never one union: the
// environments the configuration declares; else those the repository's own deployers say (Argo CD
// Applications and ApplicationSets, Flux Kustomizations and HelmReleases, Flux's clusters/<name>/);
// else each top-level Kustomize root or chart that no other includes. Each environment is a list of
// parts: a folder (rendered or read as it is) with the namespace it is applied in.
import { posix } from "node:path";
import { parseAllDocuments } from "yaml";
import { MANIFEST_EXTENSIONS } from "../manifests/load.js";
import type { HelmChartSetting } from "./options.js";
import { discover, type Scope } from "./discover.js";
import type { ResolvedRenderOptions } from "./options.js";
import { KUSTOMIZATION_NAMES } from "./kustomization.js";
import { resolveIn, type FileTree } from "./tree.js";

export type EnvironmentOrigin = "config" | "argocd" | "flux" | "roots";

export interface EnvironmentPart {
  /** Folder of the tree (a Kustomize root, a chart, or plain manifests). */
  readonly dir: string;
  /** Namespace given to objects that name none (kubectl -n, Argo CD destination, Helm release namespace). */
  readonly namespace?: string;
  /** Namespace given to every namespaced object (Flux targetNamespace), overriding theirs. */
  readonly targetNamespace?: string;
  /** Values files (tree paths) and release name when the folder is a chart. */
  readonly helm?: {
    readonly values: readonly string[];
    readonly release?: string;
    /** Values as YAML text after the files (a Flux HelmRelease's valuesFrom and values). */
    readonly inline?: readonly string[];
  };
  /** Plain manifests: also the subfolders' (default true). */
  readonly recurse?: boolean;
  /** Read as they are, nothing rendered, leaving out these files (tree paths): the files no unit renders. */
  readonly plain?: { readonly exclude: ReadonlySet<string> };
}

export interface Environment {
  readonly name: string;
  readonly origin: EnvironmentOrigin;
  /** The file that declares it (an Application, a Flux Kustomization, the configuration), as a tree path. */
  readonly declaredIn?: string;
  readonly cluster?: string;
  readonly parts: readonly EnvironmentPart[];
  /** What is deployed but cannot be analysed here (a chart from a remote repository), one message each. */
  readonly unreadable: readonly string[];
}

/** An environment of `.github/reachdiff.yml`. */
export interface DeclaredEnvironment {
  readonly name: string;
  readonly paths: readonly string[];
  readonly namespace?: string;
  readonly cluster?: string;
  readonly helm?: { readonly release?: string; readonly values?: readonly string[] };
}

export interface EnvironmentDiscovery {
  /** null: one environment, everything under the paths (one deployed unit or none). */
  readonly environments: Environment[] | null;
  readonly notes: { readonly path: string; readonly message: string }[];
}

const within = (path: string, folder: string) => folder === "" || path === folder || path.startsWith(`${folder}/`);
const isManifest = (p: string) => MANIFEST_EXTENSIONS.includes(posix.extname(p).toLowerCase());
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Documents of a file that mention a deployer's API group (a cheap text test first). */
function deployerDocuments(tree: FileTree, file: string): { data: Record<string, unknown>; file: string }[] {
  const text = tree.read(file)?.toString("utf8");
  if (!text || !/argoproj\.io|toolkit\.fluxcd\.io/.test(text)) return [];
  try {
    return parseAllDocuments(text, { uniqueKeys: false })
      .flatMap((d) => (Array.isArray(d) ? [] : [d]))
      .map((d) => ({ data: rec(d.toJS({ maxAliasCount: 100 })), file }))
      .filter((d) => typeof d.data.kind === "string");
  } catch {
    return [];
  }
}

const isKustomizeRoot = (tree: FileTree, dir: string) =>
  KUSTOMIZATION_NAMES.some((n) => tree.isFile(dir ? `${dir}/${n}` : n));
const isChart = (tree: FileTree, dir: string) => tree.isFile(dir ? `${dir}/Chart.yaml` : "Chart.yaml");

/** A repository path as a deployer writes it ("./apps/staging", "apps/staging/"), as a tree folder. */
function folder(tree: FileTree, path: string, base = ""): string | null {
  const p = resolveIn(base, path.replace(/^\.\//, "") || ".");
  return p !== null && (p === "" || tree.isDir(p)) ? p : null;
}

function argoApplications(
  tree: FileTree,
  docs: { data: Record<string, unknown>; file: string }[],
  base: string,
): { envs: Environment[]; notes: EnvironmentDiscovery["notes"] } {
  const envs: Environment[] = [];
  const notes: EnvironmentDiscovery["notes"] = [];
  const application = (name: string, spec: Record<string, unknown>, file: string) => {
    const destination = rec(spec.destination);
    const namespace = str(destination.namespace);
    const cluster = str(destination.name) ?? str(destination.server);
    const parts: EnvironmentPart[] = [];
    const unreadable: string[] = [];
    for (const source of [rec(spec.source), ...list(spec.sources).map(rec)]) {
      if (!Object.keys(source).length) continue;
      const chart = str(source.chart);
      const path = str(source.path);
      if (chart) {
        unreadable.push(
          `Argo CD Application ${name}: chart ${chart} from ${str(source.repoURL) ?? "a Helm repository"} is not in the repository; not rendered`,
        );
        continue;
      }
      if (!path) continue;
      const dir = folder(tree, path, base);
      if (dir === null) {
        unreadable.push(`Argo CD Application ${name}: path ${path} is not a folder of this repository; not read`);
        continue;
      }
      const helm = rec(source.helm);
      const values = list(helm.valueFiles)
        .flatMap((v) => (typeof v === "string" ? [resolveIn(dir, v)] : []))
        .filter((v): v is string => v !== null && tree.isFile(v));
      parts.push({
        dir,
        namespace,
        helm: isChart(tree, dir) ? { values, release: str(helm.releaseName) ?? name } : undefined,
        recurse: rec(source.directory).recurse === true || isKustomizeRoot(tree, dir) || isChart(tree, dir),
      });
    }
    envs.push({ name, origin: "argocd", declaredIn: file, cluster, parts, unreadable });
  };
  for (const { data, file } of docs) {
    const group = String(data.apiVersion ?? "").split("/")[0];
    if (group !== "argoproj.io") continue;
    const name = str(rec(data.metadata).name) ?? posix.basename(file);
    if (data.kind === "Application") application(name, rec(data.spec), file);
    else if (data.kind === "ApplicationSet") {
      // The git directories generator (one Application per matched folder) with {{path}}-style templates.
      const spec = rec(data.spec);
      const template = rec(spec.template);
      let made = 0;
      for (const g of list(spec.generators).map(rec)) {
        for (const d of list(rec(g.git).directories).map(rec)) {
          const glob = str(d.path);
          if (!glob || d.exclude === true) continue;
          const re = new RegExp(
            `^${glob
              .split("*")
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
              .join("[^/]+")}$`,
          );
          const dirs = new Set(
            tree
              .files("")
              .map((f) => posix.dirname(f))
              .filter((f) => re.test(f)),
          );
          for (const dir of [...dirs].sort()) {
            const fill = (v: unknown): unknown =>
              typeof v === "string"
                ? v
                    .replace(/\{\{\s*\.?path\.basename\s*\}\}/g, posix.basename(dir))
                    .replace(/\{\{\s*\.?path(?:\.path)?\s*\}\}/g, dir)
                : Array.isArray(v)
                  ? v.map(fill)
                  : typeof v === "object" && v !== null
                    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]))
                    : v;
            const app = rec(fill(template));
            application(str(rec(app.metadata).name) ?? posix.basename(dir), rec(app.spec), file);
            made++;
          }
        }
      }
      if (!made)
        notes.push({
          path: file,
          message: `ApplicationSet ${name}: only the git directories generator is read; its Applications are not known here`,
        });
    }
  }
  return { envs, notes };
}

/**
 * Flux: each clusters/<name>/ folder is an environment; its Kustomizations (path, targetNamespace) its
 * parts. The HelmReleases among what they deploy are rendered with their values (render/helm-release.ts).
 */
function fluxClusters(
  tree: FileTree,
  docs: { data: Record<string, unknown>; file: string }[],
  base: string,
): Environment[] {
  const byCluster = new Map<string, { data: Record<string, unknown>; file: string }[]>();
  for (const d of docs) {
    const m = /^(?:(.*?)\/)?clusters\/([^/]+)\//.exec(d.file);
    const group = String(d.data.apiVersion ?? "").split("/")[0];
    if (!m || !group.endsWith("toolkit.fluxcd.io")) continue;
    const key = `${m[1] ? `${m[1]}/` : ""}clusters/${m[2]}`;
    byCluster.set(key, [...(byCluster.get(key) ?? []), d]);
  }
  const envs: Environment[] = [];
  for (const [clusterDir, list_] of [...byCluster].sort()) {
    const name = posix.basename(clusterDir);
    // Paths are relative to the source's root: the repository's (the side's folder).
    const root = base;
    const parts: EnvironmentPart[] = [{ dir: clusterDir }];
    const unreadable: string[] = [];
    for (const { data } of list_) {
      const spec = rec(data.spec);
      const objName = str(rec(data.metadata).name) ?? "?";
      if (data.kind === "Kustomization" && String(data.apiVersion).startsWith("kustomize.toolkit.fluxcd.io")) {
        const path = str(spec.path) ?? ".";
        const source = str(rec(spec.sourceRef).name);
        // A path is relative to its source's root: the repository, or a folder named like the source.
        const dir =
          (source ? folder(tree, path, posix.join(root || ".", source)) : null) ?? folder(tree, path, root) ?? null;
        if (dir === null)
          unreadable.push(`Flux Kustomization ${objName}: path ${path} is not a folder of this repository; not read`);
        // The cluster's own folder is a part already (flux-system, the Kustomization objects themselves).
        else if (!within(dir, clusterDir)) parts.push({ dir, targetNamespace: str(spec.targetNamespace) });
      }
      // HelmReleases are rendered from the environment's objects, after Kustomize (render/helm-release.ts).
    }
    // Flux's clusters/<name>/ is a cluster of its own: environments of different clusters form a clusterset.
    envs.push({ name, origin: "flux", declaredIn: clusterDir, cluster: name, parts: dedupe(parts), unreadable });
  }
  return envs;
}

function dedupe(parts: EnvironmentPart[]): EnvironmentPart[] {
  const seen = new Set<string>();
  return parts.filter((p) => {
    const k = JSON.stringify(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The environments of one side of a repository. */
export function discoverEnvironments(
  tree: FileTree,
  scope: Scope,
  options: ResolvedRenderOptions,
  declared: readonly DeclaredEnvironment[] = [],
): EnvironmentDiscovery {
  const base = scope.base ?? "";
  const notes: EnvironmentDiscovery["notes"] = [];
  if (declared.length) {
    const environments = declared.map((d): Environment => {
      const unreadable: string[] = [];
      const parts = d.paths.flatMap((p): EnvironmentPart[] => {
        const dir = folder(tree, p, base);
        if (dir === null) {
          unreadable.push(`environment ${d.name}: ${p} is not a folder of the repository; not read`);
          return [];
        }
        const values = (d.helm?.values ?? [])
          .map((v) => resolveIn(base, v))
          .filter((v): v is string => v !== null && tree.isFile(v));
        return [
          { dir, namespace: d.namespace, helm: isChart(tree, dir) ? { values, release: d.helm?.release } : undefined },
        ];
      });
      return {
        name: d.name,
        origin: "config",
        declaredIn: ".github/reachdiff.yml",
        cluster: d.cluster,
        parts,
        unreadable,
      };
    });
    return { environments, notes };
  }

  const listed = [...new Set(scope.folders.flatMap((f) => tree.files(f)))].filter(scope.includes).filter(isManifest);
  const docs = listed.flatMap((f) => deployerDocuments(tree, f));
  const flux = fluxClusters(tree, docs, base);
  const argo = argoApplications(tree, docs, base);
  notes.push(...argo.notes);
  // An Application whose folder holds only other Applications (app of apps) deploys them, nothing of its own.
  const deploysOnlyApps = (e: Environment) =>
    e.parts.length > 0 &&
    e.parts.every((p) => {
      const files = tree.files(p.dir).filter(isManifest);
      return files.length > 0 && files.every((f) => deployerDocuments(tree, f).length > 0 && argoOnly(tree, f));
    });
  const argoEnvs = argo.envs.filter((e) => !deploysOnlyApps(e));
  if (flux.length || argoEnvs.length) return { environments: [...flux, ...argoEnvs], notes };

  // By default, with two deployed units or more (top-level Kustomize roots, charts, render folders):
  // each is an environment, and the manifests no unit renders one more. One unit or none: one environment.
  const found = discover(tree, scope, options);
  const units = found.units.filter((u) => !u.skipped);
  if (units.length < 2) return { environments: null, notes };
  const environments = units.map(
    (u): Environment => ({
      name: tree.display(u.dir) || ".",
      origin: "roots",
      declaredIn: u.anchor,
      parts: [
        {
          dir: u.dir,
          helm: u.helm ? { values: [...u.helm.values], release: u.helm.release } : undefined,
          namespace: u.helm?.namespace,
        },
      ],
      unreadable: [],
    }),
  );
  if (listed.some((f) => !found.claimed.has(f)))
    environments.push({
      name: "plain manifests",
      origin: "roots",
      parts: scope.folders.map((dir) => ({ dir, plain: { exclude: found.claimed } })),
      unreadable: [],
    });
  return { environments, notes };
}

function argoOnly(tree: FileTree, file: string): boolean {
  const text = tree.read(file)?.toString("utf8") ?? "";
  try {
    return parseAllDocuments(text, { uniqueKeys: false })
      .flatMap((d) => (Array.isArray(d) ? [] : [d]))
      .map((d) => rec(d.toJS({ maxAliasCount: 100 })))
      .filter((d) => Object.keys(d).length)
      .every((d) => String(d.apiVersion ?? "").startsWith("argoproj.io/"));
  } catch {
    return false;
  }
}

/** The chart settings a part's render needs (values and release from its deployer), as tree paths. */
export function chartSettings(part: EnvironmentPart): HelmChartSetting[] {
  return part.helm
    ? [
        {
          path: part.dir,
          values: [...part.helm.values],
          release: part.helm.release,
          namespace: part.namespace ?? part.targetNamespace,
          inline: part.helm.inline,
        },
      ]
    : [];
}
