// One file: finding the units to render, because Kustomize roots, charts and commands claim files from one another.
// Finds what must be rendered under the configured paths: folders matched by a render command, Helm
// charts, and top-level Kustomize roots (those no other root includes), with the files each one reads
// and the files that belong to it (which are then not read raw).
import picomatch from "picomatch";
import { posix } from "node:path";
import { MANIFEST_EXTENSIONS } from "../manifests/load.js";
import type { DiagnosticSeverity } from "../manifests/diagnostics.js";
import { type ChartFile, readChart, type ResolvedDependencies, resolveDependencies } from "./chart.js";
import { RENDER_FAILED, RENDER_SKIPPED } from "../manifests/render-codes.js";
import {
  folderOf,
  isRemoteReference,
  KUSTOMIZATION_NAMES,
  namedFiles,
  readKustomization,
  type Kustomization,
} from "./kustomization.js";
import type { ResolvedRenderOptions } from "./options.js";
import { resolveIn, treePath, type FileTree } from "./tree.js";
import { splitCommand } from "./tools.js";

export type UnitKind = "kustomize" | "helm" | "command";

export interface Unit {
  readonly kind: UnitKind;
  /** The unit's folder, relative to the tree. */
  readonly dir: string;
  /** The file that makes the folder a unit (kustomization, Chart.yaml), or the folder for commands. */
  readonly anchor: string;
  /** Every file that goes into the render: hashed to detect changes, written out for a fetched tree. */
  readonly inputs: readonly string[];
  /** Manifest files of the unit, searched for the definition of a rendered object. */
  readonly sources: readonly string[];
  /** Why the unit is refused (an error on its side). */
  readonly refused?: string;
  /** Why the unit is deliberately not rendered (a warning or a note). */
  readonly skipped?: { readonly severity: DiagnosticSeverity; readonly message: string };
  /** `variant` tells apart several renders of one chart (by their values files). */
  readonly helm?: {
    readonly release: string;
    readonly namespace?: string;
    readonly values: readonly string[];
    /** Values as YAML text, applied after the files (HelmChartSetting.inline). */
    readonly inline?: readonly string[];
    readonly variant: string;
    /** Chart folders of the repository placed at charts/<name> (file:// dependencies) in a private copy. */
    readonly dependencies: ResolvedDependencies["local"];
    /** Remote dependencies helm fetches itself (allow-remote-dependencies). */
    readonly fetch: boolean;
  };
  readonly command?: readonly string[];
}

export interface Note {
  readonly severity: DiagnosticSeverity;
  /** Tree path the note is about. */
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

export interface Discovery {
  readonly units: Unit[];
  /** Tree paths that belong to a unit and are not read raw. */
  readonly claimed: Set<string>;
  readonly notes: Note[];
}

export interface Scope {
  /** Folders to look in (tree paths; "" for the whole tree). */
  readonly folders: readonly string[];
  /** Whether a path is among the configured paths. */
  readonly includes: (path: string) => boolean;
  /** The folder that paths in the configuration (charts, values, command globs) are relative to (default ""). */
  readonly base?: string;
}

const isManifest = (p: string) => MANIFEST_EXTENSIONS.includes(posix.extname(p).toLowerCase());
const within = (path: string, folder: string) => folder === "" || path === folder || path.startsWith(`${folder}/`);
const outermost = (dirs: Iterable<string>) => {
  const sorted = [...new Set(dirs)].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const kept: string[] = [];
  for (const d of sorted) if (!kept.some((k) => within(d, k))) kept.push(d);
  return kept.sort();
};

export function discover(tree: FileTree, scope: Scope, options: ResolvedRenderOptions): Discovery {
  const listed = [...new Set(scope.folders.flatMap((f) => tree.files(f)))].filter(scope.includes).sort();
  const base = scope.base ?? "";
  const configured = (p: string) => treePath(posix.join(base || ".", p));
  const fromBase = (p: string) => (base === "" ? p : within(p, base) ? p.slice(base.length + 1) : null);
  const units: Unit[] = [];
  const claimed = new Set<string>();
  const notes: Note[] = [];
  const claimFolder = (dir: string) => {
    for (const f of tree.files(dir, true)) claimed.add(f);
  };

  // 1. Folders rendered by a configured command.
  const commandDirs = new Map<string, readonly string[]>();
  if (options.commands.length) {
    const folders = new Set<string>();
    for (const f of listed)
      for (let d = folderOf(f); ; d = folderOf(d)) {
        folders.add(d);
        if (d === "") break;
      }
    for (const setting of options.commands) {
      const glob = picomatch(setting.glob, { dot: false });
      const isMatch = (p: string) => {
        const rel = fromBase(p);
        return rel !== null && rel !== "" && glob(rel);
      };
      const matched = [...folders].filter(isMatch);
      for (const f of listed) if (isMatch(f)) matched.push(folderOf(f));
      for (const d of matched) if (!commandDirs.has(d)) commandDirs.set(d, splitCommand(setting.command));
    }
  }
  const commandFolders = outermost(commandDirs.keys());
  for (const dir of commandFolders) {
    claimFolder(dir);
    const inputs = tree.files(dir, true);
    units.push({
      kind: "command",
      dir,
      anchor: dir,
      inputs,
      sources: inputs.filter(isManifest),
      command: commandDirs.get(dir),
      skipped: options.allowCommands
        ? undefined
        : {
            severity: "warning",
            message: `not rendered: render commands are off (allow-render-commands in the base branch's configuration turns them on)`,
          },
    });
  }
  const inCommand = (p: string) => commandFolders.some((d) => within(p, d));

  // 2. Helm charts: every Chart.yaml among the paths, and the charts the configuration names.
  const chartDirs = outermost(listed.filter((f) => posix.basename(f) === "Chart.yaml" && !inCommand(f)).map(folderOf));
  const settings = new Map<string, typeof options.charts>();
  for (const s of options.charts) {
    const dir = configured(s.path);
    if (dir === null || !tree.isFile(dir ? `${dir}/Chart.yaml` : "Chart.yaml")) {
      notes.push({
        severity: "error",
        path: s.path,
        message: `the configuration names the Helm chart ${s.path}, which has no Chart.yaml`,
        code: RENDER_FAILED,
      });
      continue;
    }
    if (!chartDirs.includes(dir) && !inCommand(dir)) chartDirs.push(dir);
    settings.set(dir, [...(settings.get(dir) ?? []), s]);
  }
  const charts = new Map<string, ChartFile>();
  const chartOf = (chartYaml: string) => {
    let c = charts.get(chartYaml);
    if (!c) {
      c = readChart(tree.read(chartYaml)?.toString("utf8") ?? "");
      charts.set(chartYaml, c);
    }
    return c;
  };
  const chartYamlOf = (dir: string) => (dir ? `${dir}/Chart.yaml` : "Chart.yaml");
  const dependencies = new Map(
    chartDirs.map((d) => [d, resolveDependencies(tree, d, chartOf(chartYamlOf(d)), chartOf)] as const),
  );
  // A chart that another chart among the paths takes in as a file:// dependency is rendered as part of
  // it, not alone (as a Kustomize base is).
  const includedBy = new Map<string, string>();
  for (const [d, deps] of dependencies)
    for (const l of deps.local) if (l.dir !== d && !includedBy.has(l.dir)) includedBy.set(l.dir, d);
  for (const dir of chartDirs.sort()) {
    claimFolder(dir);
    const chartFiles = tree.files(dir, true);
    const anchor = chartYamlOf(dir);
    const parent = includedBy.get(dir);
    if (parent !== undefined && !settings.has(dir)) {
      notes.push({
        severity: "info",
        path: anchor,
        message: `chart ${tree.display(dir) || "."} is a dependency of chart ${tree.display(parent) || "."} (file://): it is rendered as part of it, not alone`,
        code: RENDER_SKIPPED,
      });
      continue;
    }
    const chart = chartOf(anchor);
    if (chart.type === "library") {
      notes.push({
        severity: "info",
        path: anchor,
        message: `chart ${tree.display(dir) || "."} is a library chart: it renders nothing alone, only in the charts that depend on it`,
        code: RENDER_SKIPPED,
      });
      continue;
    }
    const deps = dependencies.get(dir)!;
    const depFiles = deps.local.flatMap((l) => tree.files(l.dir, true));
    const depProblems = [
      ...(deps.missing.length ? [`chart dependencies not found: ${deps.missing.join(", ")}`] : []),
      ...(deps.remote.length && !options.allowRemoteDependencies
        ? [
            `chart dependencies ${deps.remote.join(", ")} are not in the repository (neither vendored in charts/ nor file://) and are not fetched; vendor them (helm dependency build, then commit charts/) or set allow-remote-dependencies in the base branch's configuration`,
          ]
        : []),
    ];
    const name = posix.basename(dir) || "release";
    const list = settings.get(dir) ?? [{ path: dir }];
    for (const s of list) {
      const values: string[] = [];
      const missing: string[] = [];
      for (const v of s.values ?? []) {
        const p = configured(v);
        if (p !== null && tree.isFile(p)) values.push(p);
        else missing.push(v);
      }
      const release =
        (s.release ?? name)
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, "-")
          .replace(/^-+|-+$/g, "")
          .slice(0, 53) || "release";
      units.push({
        kind: "helm",
        dir,
        anchor,
        inputs: [...new Set([...chartFiles, ...values, ...depFiles])],
        sources: [],
        helm: {
          release,
          namespace: s.namespace,
          values,
          inline: s.inline?.length ? s.inline : undefined,
          variant: list.length > 1 ? ` (${(s.values ?? []).join(", ") || "default values"})` : "",
          dependencies: deps.local,
          fetch: deps.remote.length > 0 && options.allowRemoteDependencies,
        },
        refused:
          [
            ...(missing.length ? [`values file${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not found`] : []),
            ...depProblems,
          ].join("; ") || undefined,
        skipped: options.helm ? undefined : { severity: "info", message: "not rendered: Helm rendering is off" },
      });
    }
  }
  const inChart = (p: string) => chartDirs.some((d) => within(p, d));

  // 3. Kustomize roots.
  const cache = new Map<string, Kustomization | null>();
  const load = (dir: string): Kustomization | null => {
    if (cache.has(dir)) return cache.get(dir)!;
    let found: Kustomization | null = null;
    for (const name of KUSTOMIZATION_NAMES) {
      const file = dir ? `${dir}/${name}` : name;
      if (!tree.isFile(file)) continue;
      found = readKustomization(dir, file, tree.read(file)?.toString("utf8") ?? "");
      break;
    }
    cache.set(dir, found);
    return found;
  };
  const rootDirs = [
    ...new Set(
      listed
        .filter(
          (f) => (KUSTOMIZATION_NAMES as readonly string[]).includes(posix.basename(f)) && !inCommand(f) && !inChart(f),
        )
        .map(folderOf),
    ),
  ].sort();

  interface Closure {
    readonly dirs: Set<string>;
    readonly files: Set<string>;
    readonly remote: string[];
    readonly outside: string[];
  }
  const closures = new Map<string, Closure>();
  const closureOf = (root: string): Closure => {
    const known = closures.get(root);
    if (known) return known;
    const c: Closure = { dirs: new Set(), files: new Set(), remote: [], outside: [] };
    const queue = [root];
    while (queue.length) {
      const dir = queue.shift()!;
      if (c.dirs.has(dir)) continue;
      const k = load(dir);
      if (!k) continue;
      c.dirs.add(dir);
      for (const ref of k.references) {
        const target = resolveIn(dir, ref.value);
        const local = target !== null && (tree.isFile(target) || tree.isDir(target));
        if (!local && isRemoteReference(ref.value)) c.remote.push(`${k.file}: ${ref.field} ${ref.value}`);
        else if (target === null) c.outside.push(`${k.file}: ${ref.field} ${ref.value}`);
        else if (tree.isDir(target)) queue.push(target);
        else if (tree.isFile(target)) c.files.add(target);
      }
      for (const f of namedFiles(k)) if (tree.isFile(f)) c.files.add(f);
    }
    closures.set(root, c);
    return c;
  };

  const included = new Set<string>();
  for (const r of rootDirs)
    for (const d of closureOf(r).dirs) if (d !== r && !closureOf(d).dirs.has(r)) included.add(d);
  for (const r of rootDirs) {
    const c = closureOf(r);
    for (const d of c.dirs) for (const f of tree.files(d, true)) if (folderOf(f) === d) claimed.add(f);
    for (const f of c.files) claimed.add(f);
    if (included.has(r)) continue;
    const k = load(r)!;
    if (k.isComponent) {
      notes.push({
        severity: "info",
        path: k.file,
        message: `${r || "."} is a Kustomize Component: it is applied only through a kustomization that lists it, and none among the paths does`,
        code: RENDER_SKIPPED,
      });
      continue;
    }
    const inputs = new Set<string>(c.files);
    for (const d of c.dirs) for (const f of tree.files(d, true)) inputs.add(f);
    const problems = [
      ...(options.allowRemoteBases
        ? []
        : c.remote.map(
            (r) => `remote reference refused (${r}); allow-remote-bases in the base branch's configuration allows it`,
          )),
      ...c.outside.map((o) => `reference outside the repository refused (${o})`),
    ];
    units.push({
      kind: "kustomize",
      dir: r,
      anchor: k.file,
      inputs: [...inputs].sort(),
      sources: [...new Set([...c.files, ...[...c.dirs].flatMap((d) => tree.files(d).filter((f) => folderOf(f) === d))])]
        .filter(isManifest)
        .sort(),
      refused: problems.length ? problems.join("; ") : undefined,
      skipped: options.kustomize
        ? undefined
        : { severity: "info", message: "not rendered: Kustomize rendering is off" },
    });
  }
  return { units, claimed, notes };
}
