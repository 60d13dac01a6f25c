// One file: loading a side as its environments, because the sync, async and fetched loaders share one plan.
// A side of a repository as the environments it deploys, each loaded and modelled as its own cluster
// (src/render/environments.ts says which they are). A repository that deploys one unit or none is
// one environment, loaded exactly as loadSide loads it.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { posix } from "node:path";
import { Diagnostics } from "./manifests/diagnostics.js";
import { parseManifestFiles, type ManifestFile } from "./manifests/load.js";
import { ParseCache } from "./manifests/parse-cache.js";
import type { RawObject } from "./manifests/parse.js";
import type { EnvironmentPair } from "./review/environments.js";
import { buildCluster } from "./model/build.js";
import type { Cluster } from "./model/types.js";
import type { Scope } from "./render/discover.js";
import { helmReleaseParts, isFluxHelmRelease } from "./render/helm-release.js";
import { KUSTOMIZATION_NAMES } from "./render/kustomization.js";
import {
  chartSettings,
  type DeclaredEnvironment,
  discoverEnvironments,
  type Environment,
  type EnvironmentPart,
} from "./render/environments.js";
import { RenderCache, resolveRenderOptions, type RenderOptions } from "./render/options.js";
import { renderTree, renderTreeSync, type RenderedSide } from "./render/render.js";
import { globScope, manifestFiles, renderSafely } from "./render/sides.js";
import { DirTree } from "./render/dir-tree.js";
import { type FileTree, GitTree, MemoryTree } from "./render/tree.js";
import { isGitRef, readGitTree } from "./sources/git.js";
import { DEFAULT_MAX_FILE_BYTES, readManifestFiles } from "./manifests/load.js";
import {
  type FetchedSide,
  loadFetchedSide,
  loadFetchedSides,
  loadSide,
  loadSides,
  SideError,
  type SnapshotOptions,
} from "./snapshot.js";

export type { Environment } from "./render/environments.js";

export interface EnvironmentSnapshot {
  /** null: the side is one environment (everything under the paths). */
  readonly environment: Environment | null;
  readonly cluster: Cluster;
}

export type EnvironmentOptions = SnapshotOptions & {
  readonly globs?: readonly string[];
  /** The configuration's `environments:` (the base branch's). */
  readonly environments?: readonly DeclaredEnvironment[];
};

const within = (path: string, folder: string) => folder === "" || path === folder || path.startsWith(`${folder}/`);

/** Gives objects the namespace their part is applied in (a copy: parsed objects are shared). */
function applyNamespace(objects: readonly RawObject[], part: EnvironmentPart): RawObject[] {
  if (!part.namespace && !part.targetNamespace) return [...objects];
  return objects.map((o) => {
    const meta = o.data.metadata;
    if (!meta || typeof meta !== "object" || Array.isArray(meta)) return o;
    const m = meta as Record<string, unknown>;
    const has = typeof m.namespace === "string" && m.namespace !== "";
    if (has && !part.targetNamespace) return o;
    const data = { ...o.data, metadata: { ...m, namespace: part.targetNamespace ?? part.namespace } };
    return { data, source: o.source };
  });
}

interface SideTree {
  readonly tree: FileTree;
  readonly scope: Scope;
  /** The side's manifest files, named as loadSide names them. */
  readonly files: readonly ManifestFile[];
  readonly diagnostics: Diagnostics;
}

function openSide(spec: string, options: EnvironmentOptions): SideTree {
  const diagnostics = new Diagnostics();
  const max = options.maxFileBytes;
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory()) throw new SideError("environments are found in folders and git refs");
    const { tree, scope } = DirTree.around(spec, spec, max ?? DEFAULT_MAX_FILE_BYTES);
    const files = readManifestFiles([spec], diagnostics, { ...options, displayRoot: spec });
    return { tree, scope: { folders: [scope], includes: () => true, base: scope }, files, diagnostics };
  }
  if (!isGitRef(spec)) throw new SideError(`${spec} is neither a file or folder nor a git ref of the repository here`);
  const prefix = execFileSync("git", ["rev-parse", "--show-prefix"], { encoding: "utf8" }).trim();
  const tree = GitTree.open(spec, process.cwd(), max ?? DEFAULT_MAX_FILE_BYTES);
  const files = readGitTree(spec, options.globs ?? [], diagnostics, process.cwd(), max);
  return { tree, scope: globScope(options.globs ?? [], prefix), files, diagnostics };
}

/**
 * Flux HelmReleases among an environment's objects whose chart is not in the repository: what they
 * install is not analysed, and that is said (an environment of only these reads nothing).
 */
function undeployable(objects: readonly RawObject[]): Diagnostics["items"] {
  const out: Diagnostics["items"] = [];
  for (const o of objects) {
    type Ref = { kind?: unknown; name?: unknown };
    const d = o.data as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown };
      spec?: { chart?: { spec?: { chart?: unknown; sourceRef?: Ref } }; chartRef?: Ref };
    };
    if (!isFluxHelmRelease(o)) continue;
    const chart = d.spec?.chart?.spec ?? {};
    const source: Ref = chart.sourceRef ?? d.spec?.chartRef ?? {};
    out.push({
      severity: "warning",
      file: o.source.file,
      line: o.source.line,
      code: "not-deployed-here",
      message:
        `Flux HelmRelease ${String(d.metadata?.name ?? "?")}: chart ${String(chart.chart ?? source.name ?? "?")} comes from ${String(source.kind ?? "a source")} ${String(source.name ?? "")}; it is not rendered here, so what it installs is not analysed`.replace(
          /\s+;/,
          ";",
        ),
    });
  }
  return out;
}

interface PartPlan {
  readonly part: EnvironmentPart;
  readonly scope: Scope;
  /** The Kustomize root or chart the folder is, if it is one. */
  readonly anchor?: string;
  readonly options?: RenderOptions;
  readonly label: string;
}

/** How each part of an environment is rendered: the scope and settings of its render (none for plain parts). */
function planParts(side: SideTree, env: Environment, render: RenderOptions | false): PartPlan[] {
  const { tree } = side;
  return env.parts.map((part) => {
    const dir = part.dir;
    const recurse = part.recurse ?? true;
    // A folder that is a Kustomize root or a chart is that one unit (as kustomize build or helm template
    // of the folder would render it), not the other roots below it; another folder is read as it is,
    // with the units inside it.
    const anchor = [...KUSTOMIZATION_NAMES, "Chart.yaml"]
      .map((n) => (dir ? `${dir}/${n}` : n))
      .find((f) => tree.isFile(f));
    const scope: Scope = {
      folders: [dir],
      includes: anchor
        ? (p) => p === anchor
        : (p) => within(p, dir) && (recurse || posix.dirname(p) === (dir || ".")) && side.scope.includes(p),
      base: "",
    };
    const charts =
      render === false
        ? []
        : [...(typeof render.helm === "object" ? (render.helm.charts ?? []) : []), ...chartSettings(part)];
    const options =
      render === false || part.plain ? undefined : { ...render, helm: render.helm === false ? false : { charts } };
    return { part, scope, anchor, options, label: tree.display(dir) || "." };
  });
}

/** The objects of rendered parts and their raw files, namespaces applied, put into `objects`. */
function gatherParts(
  side: SideTree,
  options: EnvironmentOptions,
  plans: readonly PartPlan[],
  renders: readonly (RenderedSide | undefined)[],
  objects: RawObject[],
  diagnostics: Diagnostics,
): void {
  const { tree } = side;
  // The side's own folder is shown as "" (the tree may say "." or its absolute path).
  const top = tree.display(side.scope.base ?? "");
  const shown = (p: string) => {
    const d = tree.display(p);
    return d === "." || d === top ? "" : d;
  };
  plans.forEach(({ part, anchor }, i) => {
    const rendered = renders[i];
    const recurse = part.recurse ?? true;
    for (const d of rendered?.diagnostics ?? []) diagnostics.add(d);
    const claimed = rendered?.claimed ?? new Set([...(part.plain?.exclude ?? [])].map(shown));
    const folder = shown(part.dir);
    const raw = side.files.filter(
      (f) =>
        !anchor &&
        within(f.name, folder) &&
        (recurse || posix.dirname(f.name) === (folder || ".")) &&
        !claimed.has(f.name),
    );
    objects.push(...applyNamespace(parseManifestFiles(raw, diagnostics, options.parseCache), part));
    objects.push(...applyNamespace(rendered?.objects ?? [], part));
  });
}

/** The environment's Flux HelmReleases whose charts are in the repository, as parts to render with their values. */
function releasePlans(
  side: SideTree,
  env: Environment,
  objects: readonly RawObject[],
  render: RenderOptions | false,
  diagnostics: Diagnostics,
): { plans: PartPlan[]; rendered: ReadonlySet<RawObject> } {
  if (render === false) return { plans: [], rendered: new Set() };
  const releases = helmReleaseParts(objects, side.tree, side.scope.base ?? "");
  for (const d of releases.diagnostics) diagnostics.add(d);
  return { plans: planParts(side, { ...env, parts: releases.parts }, render), rendered: releases.rendered };
}

/** One environment of a side, modelled as one cluster: what is deployed from elsewhere said, problems once. */
function finishEnvironment(
  side: SideTree,
  env: Environment,
  options: EnvironmentOptions,
  objects: readonly RawObject[],
  diagnostics: Diagnostics,
  rendered: ReadonlySet<RawObject>,
): Cluster {
  const { tree } = side;
  const top = tree.display(side.scope.base ?? "");
  const shown = (p: string) => {
    const d = tree.display(p);
    return d === "." || d === top ? "" : d;
  };
  for (const d of undeployable(objects.filter((o) => !rendered.has(o)))) diagnostics.add(d);
  for (const message of env.unreadable)
    diagnostics.add({ severity: "warning", file: env.declaredIn ?? ".", line: 0, message, code: "not-deployed-here" });
  for (const d of side.diagnostics.items) if (env.parts.some((p) => within(d.file, shown(p.dir)))) diagnostics.add(d);
  // Dedupe the raw files' problems a part met twice (two parts over one folder).
  const seen = new Set<string>();
  const unique = new Diagnostics();
  for (const d of diagnostics.items) {
    const k = `${d.severity}\0${d.file}\0${d.line}\0${d.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      unique.add(d);
    }
  }
  return buildCluster(objects, options, unique);
}

function loadEnvironment(
  side: SideTree,
  env: Environment,
  options: EnvironmentOptions,
  render: RenderOptions | false,
): Cluster {
  const renderAll = (plans: readonly PartPlan[]) =>
    plans.map((p) =>
      p.options ? renderSafely(p.label, () => renderTreeSync(side.tree, p.scope, p.options)) : undefined,
    );
  const objects: RawObject[] = [];
  const diagnostics = new Diagnostics();
  const plans = planParts(side, env, render);
  gatherParts(side, options, plans, renderAll(plans), objects, diagnostics);
  const releases = releasePlans(side, env, objects, render, diagnostics);
  gatherParts(side, options, releases.plans, renderAll(releases.plans), objects, diagnostics);
  return finishEnvironment(side, env, options, objects, diagnostics, releases.rendered);
}

async function loadEnvironmentAsync(
  side: SideTree,
  env: Environment,
  options: EnvironmentOptions,
  render: RenderOptions | false,
): Promise<Cluster> {
  const renderAll = async (plans: readonly PartPlan[]) => {
    const renders: (RenderedSide | undefined)[] = [];
    for (const p of plans) {
      if (!p.options) {
        renders.push(undefined);
        continue;
      }
      try {
        renders.push(await renderTree(side.tree, p.scope, p.options));
      } catch (e) {
        renders.push(
          renderSafely(p.label, () => {
            throw e;
          }),
        );
      }
    }
    return renders;
  };
  const objects: RawObject[] = [];
  const diagnostics = new Diagnostics();
  const plans = planParts(side, env, render);
  gatherParts(side, options, plans, await renderAll(plans), objects, diagnostics);
  const releases = releasePlans(side, env, objects, render, diagnostics);
  gatherParts(side, options, releases.plans, await renderAll(releases.plans), objects, diagnostics);
  return finishEnvironment(side, env, options, objects, diagnostics, releases.rendered);
}

interface DiscoveredSide {
  readonly spec: string;
  readonly side: SideTree;
  readonly environments: Environment[] | null;
}

function discoverSide(spec: string, options: EnvironmentOptions): DiscoveredSide {
  const render = options.render;
  const side = openSide(spec, options);
  const discovery = discoverEnvironments(
    side.tree,
    side.scope,
    resolveRenderOptions(render === false ? { kustomize: false, helm: false } : render),
    options.environments,
  );
  return { spec, side, environments: discovery.environments };
}

function loadDiscovered(d: DiscoveredSide, options: EnvironmentOptions): EnvironmentSnapshot[] {
  if (!d.environments) return [{ environment: null, cluster: loadSide(d.spec, options) }];
  return d.environments.map((environment) => ({
    environment,
    cluster: loadEnvironment(d.side, environment, options, options.render ?? {}),
  }));
}

/**
 * A side as its environments: those the configuration declares, else those Argo CD or Flux deploy,
 * else each deployed unit (and the manifests no unit renders). With none of these, one environment
 * (environment: null) loaded by loadSide.
 */
export function loadSideEnvironments(spec: string, options: EnvironmentOptions = {}): EnvironmentSnapshot[] {
  const shared = { ...options, parseCache: options.parseCache ?? new ParseCache() };
  return loadDiscovered(discoverSide(spec, shared), shared);
}

/**
 * One environment of a side, by name, for the commands that read one cluster (reach, explain, ...):
 * `names` lists the environments the side deploys (null: it is one, unnamed), and `snapshot` is the
 * named one, loaded alone (none when the name is not among them, or no name is given while there are several).
 */
export function loadSideEnvironment(
  spec: string,
  name: string | undefined,
  options: EnvironmentOptions = {},
): { names: string[] | null; snapshot?: EnvironmentSnapshot } {
  const shared = { ...options, parseCache: options.parseCache ?? new ParseCache() };
  const d = discoverSide(spec, shared);
  if (!d.environments) return { names: null };
  const names = d.environments.map((e) => e.name);
  const chosen =
    name === undefined && names.length === 1 ? d.environments[0] : d.environments.find((e) => e.name === name);
  if (!chosen) return { names };
  return {
    names,
    snapshot: { environment: chosen, cluster: loadEnvironment(d.side, chosen, shared, options.render ?? {}) },
  };
}

/**
 * Both sides as environments, one render cache and one parse cache for the two. When the two sides
 * together name one environment or none, each side is one cluster, loaded by loadSides as before.
 */
export function loadEnvironmentSides(
  base: string,
  head: string,
  options: EnvironmentOptions = {},
): [EnvironmentSnapshot[], EnvironmentSnapshot[]] {
  const render: RenderOptions | false =
    options.render === false
      ? false
      : { ...options.render, cache: options.render?.cache === undefined ? new RenderCache() : options.render.cache };
  const shared = { ...options, render, parseCache: options.parseCache ?? new ParseCache() };
  const sides = [discoverSide(base, shared), discoverSide(head, shared)];
  const names = new Set(sides.flatMap((s) => (s.environments ?? []).map((e) => e.name)));
  const declared = (options.environments ?? []).length > 0;
  if (names.size <= 1 && !declared) {
    const [b, h] = loadSides(base, head, shared);
    return [[{ environment: null, cluster: b }], [{ environment: null, cluster: h }]];
  }
  return [loadDiscovered(sides[0], shared), loadDiscovered(sides[1], shared)];
}

/** The environments of both sides, paired by name (base order, then those only the head has). */
export function environmentPairs(
  base: readonly EnvironmentSnapshot[],
  head: readonly EnvironmentSnapshot[],
): EnvironmentPair[] {
  if (base.length === 1 && head.length === 1 && !base[0].environment && !head[0].environment)
    return [{ name: "", base: base[0].cluster, head: head[0].cluster }];
  const name = (s: EnvironmentSnapshot) => s.environment?.name ?? "(repository)";
  const names = [...new Set([...base.map(name), ...head.map(name)])];
  return names.map((n) => {
    const b = base.find((s) => name(s) === n);
    const h = head.find((s) => name(s) === n);
    return { name: n, cluster: (h ?? b)?.environment?.cluster, base: b?.cluster, head: h?.cluster };
  });
}

/**
 * Both fetched sides (the App and the Action) as environments, as loadEnvironmentSides does for folders
 * and git refs: one render cache and one parse cache for the two; a pull request whose two sides name
 * one environment or none is each side one cluster, loaded by loadFetchedSides as before.
 */
export async function loadFetchedEnvironmentSides(
  base: FetchedSide,
  head: FetchedSide,
  options: EnvironmentOptions = {},
): Promise<[EnvironmentSnapshot[], EnvironmentSnapshot[]]> {
  const render: RenderOptions | false =
    options.render === false
      ? false
      : { ...options.render, cache: options.render?.cache === undefined ? new RenderCache() : options.render.cache };
  const shared = { ...options, render, parseCache: options.parseCache ?? new ParseCache() };
  const open = (side: FetchedSide): SideTree => {
    const diagnostics = new Diagnostics();
    for (const p of side.problems ?? []) diagnostics.add(p);
    return {
      tree: new MemoryTree([...side.files, ...(side.inputs ?? [])]),
      scope: globScope(options.globs ?? []),
      files: manifestFiles(side.files, options.globs ?? []),
      diagnostics,
    };
  };
  const sides = [open(base), open(head)];
  const found = sides.map(
    (side) =>
      discoverEnvironments(
        side.tree,
        side.scope,
        resolveRenderOptions(render === false ? { kustomize: false, helm: false } : render),
        options.environments,
      ).environments,
  );
  const names = new Set(found.flatMap((f) => (f ?? []).map((e) => e.name)));
  if (names.size <= 1 && !(options.environments ?? []).length) {
    const [b, h] = await loadFetchedSides(base, head, shared);
    return [[{ environment: null, cluster: b }], [{ environment: null, cluster: h }]];
  }
  const load = async (i: number): Promise<EnvironmentSnapshot[]> => {
    const envs = found[i];
    if (!envs) return [{ environment: null, cluster: await loadFetchedSide(i ? head : base, shared) }];
    const out: EnvironmentSnapshot[] = [];
    for (const environment of envs)
      out.push({ environment, cluster: await loadEnvironmentAsync(sides[i], environment, shared, render) });
    return out;
  };
  const b = await load(0);
  return [b, await load(1)];
}
