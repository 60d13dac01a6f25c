// One file: rendering one side (discover, plan and cache the jobs, run them, collect), because each step feeds the next.
// Renders the units of one side: discovery, then one job per unit whose inputs were not rendered
// before (all jobs of a side at once, bounded by cores), then the objects with their sources
// (map-objects.ts). A unit that fails becomes a diagnostic; the others are still used.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import type { Diagnostic, DiagnosticSeverity } from "../manifests/diagnostics.js";
import { Diagnostics } from "../manifests/diagnostics.js";
import type { ManifestFile } from "../manifests/load.js";
import type { RawObject } from "../manifests/parse.js";
import { RENDER_FAILED, RENDER_SKIPPED, RENDER_UNMAPPED, RENDERED } from "../manifests/render-codes.js";
import { discover, type Scope, type Unit } from "./discover.js";
import { mapObjects } from "./map-objects.js";
import { failureMessage } from "./messages.js";
import { resolveRenderOptions, type RenderOptions, type ResolvedRenderOptions } from "./options.js";
import { ok, runJobs, runJobsSync, type Job, type JobResult } from "./run.js";
import { commandArgv, detectTools, helmArgv, kustomizeArgv, renderEnv, type Tools } from "./tools.js";
import { InputTooLarge, writeTree, type FileTree } from "./tree.js";

export type UnitStatus = "rendered" | "reused" | "failed" | "skipped";

export interface UnitReport {
  /** The unit as shown in output: its kustomization file, Chart.yaml or folder. */
  readonly unit: string;
  readonly kind: Unit["kind"];
  readonly status: UnitStatus;
  readonly objects: number;
  readonly message?: string;
}

export interface RenderedSide {
  /** Objects of the rendered units; their sources are RenderedSource. */
  readonly objects: RawObject[];
  /** Names (as shown in output) of the files that belong to a unit: not to be read raw. */
  readonly claimed: ReadonlySet<string>;
  readonly diagnostics: Diagnostic[];
  readonly units: UnitReport[];
  /** Each rendered unit's output, named `<unit> (rendered)`, for callers that keep only text. */
  readonly outputs: ManifestFile[];
}

interface CachedUnit {
  readonly ok: boolean;
  readonly objects: RawObject[];
  readonly output: string;
  readonly message: string;
  readonly unmapped: number;
}

interface Work {
  readonly unit: Unit;
  readonly key: string;
  readonly tool: string;
  readonly cached?: CachedUnit;
  readonly job?: Job;
  /** kustomize: the folder origin paths are relative to. */
  readonly originBase?: string;
}

interface Prepared {
  readonly tree: FileTree;
  readonly options: ResolvedRenderOptions;
  readonly work: Work[];
  readonly claimed: Set<string>;
  readonly diagnostics: Diagnostic[];
  readonly reports: UnitReport[];
  /** Folder the tree's files are in while rendering, and the private temporary folder. */
  readonly root: string;
  readonly temp: string;
}

const toolName = (unit: Unit, tools: Tools) =>
  unit.kind === "kustomize"
    ? (tools.kustomize ?? []).join(" ")
    : unit.kind === "helm"
      ? `${tools.helm ?? "helm"} template`
      : "render command";

function unitLabel(tree: FileTree, unit: Unit): string {
  // The folder read is "." (a tree shows its own top as its absolute path).
  const shown = tree.display(unit.dir);
  const dir = !shown || isAbsolute(shown) ? "." : shown;
  return unit.kind === "helm" ? `chart ${dir}${unit.helm!.variant}` : dir;
}

function hashInputs(tree: FileTree, unit: Unit, header: unknown): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(header));
  for (const p of unit.inputs) {
    const bytes = tree.read(p);
    h.update(`\0${tree.display(p)}\0${bytes ? createHash("sha256").update(bytes).digest("hex") : "-"}`);
  }
  return h.digest("hex");
}

function prepare(tree: FileTree, scope: Scope, options: ResolvedRenderOptions): Prepared {
  const discovery = discover(tree, scope, options);
  const diagnostics: Diagnostic[] = [];
  const reports: UnitReport[] = [];
  const note = (severity: DiagnosticSeverity, path: string, message: string, code: string) =>
    diagnostics.push({ severity, file: tree.display(path), line: 0, message, code });
  for (const n of discovery.notes) note(n.severity, n.path, n.message, n.code ?? RENDER_SKIPPED);

  // Nothing to render (the common case of plain manifests): no temporary folder, no tool lookup.
  if (!discovery.units.length)
    return { tree, options, work: [], claimed: discovery.claimed, diagnostics, reports, root: "", temp: "" };
  const temp = realpathSync(mkdtempSync(join(options.tempDir, "reachdiff-render-")));
  try {
    return plan(tree, options, discovery, detectTools(options.tools), diagnostics, reports, note, temp);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

function plan(
  tree: FileTree,
  options: ResolvedRenderOptions,
  discovery: ReturnType<typeof discover>,
  tools: Tools,
  diagnostics: Diagnostic[],
  reports: UnitReport[],
  note: (severity: DiagnosticSeverity, path: string, message: string, code: string) => void,
  temp: string,
): Prepared {
  const home = join(temp, "home");
  mkdirSync(join(home, "no-plugins"), { recursive: true, mode: 0o700 });
  const root = tree.dir ?? join(temp, "tree");
  const env = renderEnv(home);

  const planned: { unit: Unit; key: string; tool: string }[] = [];
  const work: Work[] = [];
  tree.prefetch?.(discovery.units.flatMap((u) => (u.skipped || u.refused ? [] : u.inputs)));
  for (const unit of discovery.units) {
    const label = unitLabel(tree, unit);
    const fail = (message: string) => {
      note("error", unit.anchor, message, RENDER_FAILED);
      reports.push({ unit: tree.display(unit.anchor), kind: unit.kind, status: "failed", objects: 0, message });
    };
    if (unit.skipped) {
      note(unit.skipped.severity, unit.anchor, `${label}: ${unit.skipped.message}`, RENDER_SKIPPED);
      reports.push({
        unit: tree.display(unit.anchor),
        kind: unit.kind,
        status: "skipped",
        objects: 0,
        message: unit.skipped.message,
      });
      continue;
    }
    if (unit.refused) {
      fail(`${label} is not rendered: ${unit.refused}`);
      continue;
    }
    if (unit.kind === "kustomize" && !tools.kustomize) {
      fail(`${label} is not rendered: neither kustomize nor kubectl is on PATH`);
      continue;
    }
    if (unit.kind === "helm" && !tools.helm) {
      fail(`${label} is not rendered: helm is not on PATH`);
      continue;
    }
    const tool = toolName(unit, tools);
    const key = hashInputs(tree, unit, {
      kind: unit.kind,
      tool,
      unit: tree.display(unit.anchor),
      helm: unit.helm && { ...unit.helm, values: unit.helm.values.map((v) => tree.display(v)) },
      command: unit.command,
      remote: options.allowRemoteBases,
      remoteDependencies: options.allowRemoteDependencies,
    });
    const cached = unit.kind === "command" ? undefined : options.cache?.get<CachedUnit>(key);
    if (cached) work.push({ unit, key, tool, cached });
    else planned.push({ unit, key, tool });
  }

  if (!tree.dir && planned.length) {
    try {
      writeTree(tree, [...new Set(planned.flatMap((p) => p.unit.inputs))].sort(), root, options.maxInputBytes);
    } catch (e) {
      if (!(e instanceof InputTooLarge)) throw e;
      for (const p of planned.splice(0)) {
        note("error", p.unit.anchor, `${unitLabel(tree, p.unit)} is not rendered: ${e.message}`, RENDER_FAILED);
        reports.push({
          unit: tree.display(p.unit.anchor),
          kind: p.unit.kind,
          status: "failed",
          objects: 0,
          message: e.message,
        });
      }
    }
  }
  const abs = (p: string) => (p ? join(root, ...p.split("/")) : root);
  planned.forEach(({ unit, key, tool }, i) => {
    const limits = { env, timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes };
    if (unit.kind === "kustomize") {
      // A kustomization of our own around the root asks kustomize to say where every object came from.
      const wrapper = join(temp, `wrap-${i}`);
      mkdirSync(wrapper, { mode: 0o700 });
      const target = relative(wrapper, abs(unit.dir)).split(sep).join("/");
      writeFileSync(
        join(wrapper, "kustomization.yaml"),
        `resources:\n- ${JSON.stringify(target)}\nbuildMetadata: [originAnnotations]\n`,
        { mode: 0o600 },
      );
      const [file, ...args] = kustomizeArgv(tools.kustomize!, wrapper);
      work.push({ unit, key, tool, originBase: wrapper, job: { file, args, cwd: wrapper, ...limits } });
    } else if (unit.kind === "helm") {
      const helm = unit.helm!;
      // A chart whose dependencies are placed beside it (file://) or fetched (--dependency-update writes
      // charts/) is rendered from a private copy: the repository's folder is never written to.
      let at = abs;
      if (helm.dependencies.length || helm.fetch) {
        const copy = join(temp, `chart-${i}`);
        try {
          writeTree(tree, unit.inputs, copy, options.maxInputBytes);
          for (const dep of helm.dependencies)
            writeTree(tree, tree.files(dep.dir, true), copy, options.maxInputBytes, (p) =>
              posix.join(unit.dir, dep.at, posix.relative(dep.dir, p)),
            );
        } catch (e) {
          if (!(e instanceof InputTooLarge)) throw e;
          note("error", unit.anchor, `${unitLabel(tree, unit)} is not rendered: ${e.message}`, RENDER_FAILED);
          reports.push({
            unit: tree.display(unit.anchor),
            kind: unit.kind,
            status: "failed",
            objects: 0,
            message: e.message,
          });
          return;
        }
        at = (p: string) => (p ? join(copy, ...p.split("/")) : copy);
      }
      // Inline values (a Flux HelmRelease's) go to files of their own in the private folder.
      const inline = (helm.inline ?? []).map((text, j) => {
        const path = join(temp, `values-${i}-${j}.yaml`);
        writeFileSync(path, text, { mode: 0o600 });
        return path;
      });
      const [file, ...args] = helmArgv(
        tools.helm!,
        helm.release,
        at(unit.dir),
        [...helm.values.map(at), ...inline],
        helm.namespace,
        helm.fetch,
      );
      work.push({ unit, key, tool, job: { file, args, cwd: at(unit.dir), ...limits } });
    } else {
      const argv = commandArgv(unit.command ?? [], abs(unit.dir));
      if (!argv.length) {
        note(
          "error",
          unit.anchor,
          `${unitLabel(tree, unit)} is not rendered: its render command is empty`,
          RENDER_FAILED,
        );
        return;
      }
      work.push({
        unit,
        key,
        tool: argv[0],
        job: { file: argv[0], args: argv.slice(1), cwd: abs(unit.dir), ...limits },
      });
    }
  });
  // Objects come out in the order of discovery, whether rendered now or reused.
  const order = new Map(discovery.units.map((u, i) => [u, i]));
  work.sort((a, b) => order.get(a.unit)! - order.get(b.unit)!);
  return { tree, options, work, claimed: discovery.claimed, diagnostics, reports, root, temp };
}

function finish(prepared: Prepared, results: readonly JobResult[]): RenderedSide {
  const { tree, options, diagnostics, reports, root, temp } = prepared;
  const objects: RawObject[] = [];
  const outputs: ManifestFile[] = [];
  try {
    let r = 0;
    for (const w of prepared.work) {
      const label = unitLabel(tree, w.unit);
      const anchor = tree.display(w.unit.anchor);
      let unitResult: CachedUnit;
      let status: UnitStatus = "reused";
      if (w.cached) unitResult = w.cached;
      else {
        status = "rendered";
        const result = results[r++];
        const parseDiagnostics = new Diagnostics();
        if (ok(result)) {
          const mapped = mapObjects(
            prepared.tree,
            prepared.root,
            w.unit,
            w.originBase,
            result.stdout,
            parseDiagnostics,
          );
          unitResult = {
            ok: true,
            objects: mapped.objects,
            output: result.stdout,
            message: "",
            unmapped: mapped.unmapped,
          };
        } else {
          const paths: [string, string][] = [
            ...(tree.aliases?.() ?? []),
            [`${root}${sep}`, ""],
            [root, "."],
            [`${temp}${sep}`, ""],
            [
              `${relative(w.originBase ?? root, root)
                .split(sep)
                .join("/")}/`,
              "",
            ],
          ];
          unitResult = {
            ok: false,
            objects: [],
            output: "",
            message: failureMessage(result, options, paths),
            unmapped: 0,
          };
        }
        diagnostics.push(...parseDiagnostics.items);
        if (w.unit.kind !== "command") options.cache?.set(w.key, unitResult, unitResult.output.length * 4);
      }
      const reused = status === "reused" ? " (inputs unchanged: an earlier render reused)" : "";
      if (unitResult.ok) {
        // Reused objects are copied, so that two snapshots never share mutable data.
        for (const o of unitResult.objects)
          objects.push(status === "reused" ? { data: structuredClone(o.data), source: o.source } : o);
        outputs.push({ name: `${anchor} (rendered)`, text: unitResult.output });
        diagnostics.push({
          severity: "info",
          file: anchor,
          line: 0,
          code: RENDERED,
          message: `rendered ${label} with ${w.tool}: ${unitResult.objects.length} object(s)${reused}`,
        });
        if (unitResult.unmapped)
          diagnostics.push({
            severity: "info",
            file: anchor,
            line: 0,
            code: RENDER_UNMAPPED,
            message: `${unitResult.unmapped} object(s) rendered from ${label} were not found in its files: they point to ${anchor}, and only the rendered output shows them`,
          });
        reports.push({ unit: anchor, kind: w.unit.kind, status, objects: unitResult.objects.length });
      } else {
        const message = `${w.tool} could not render ${label}: ${unitResult.message}${reused}`;
        diagnostics.push({ severity: "error", file: anchor, line: 0, code: RENDER_FAILED, message });
        reports.push({ unit: anchor, kind: w.unit.kind, status: "failed", objects: 0, message: unitResult.message });
      }
    }
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
  const claimed = new Set([...prepared.claimed].map((p) => tree.display(p)));
  return { objects, claimed, diagnostics, units: reports, outputs };
}

const jobsOf = (p: Prepared) => p.work.flatMap((w) => (w.job ? [w.job] : []));

/** Renders the units of a tree among the configured paths, waiting synchronously (the CLI). */
export function renderTreeSync(tree: FileTree, scope: Scope, options: RenderOptions = {}): RenderedSide {
  const resolved = resolveRenderOptions(options);
  const prepared = prepare(tree, scope, resolved);
  let results: JobResult[];
  try {
    results = runJobsSync(jobsOf(prepared), resolved.concurrency);
  } catch (e) {
    if (prepared.temp) rmSync(prepared.temp, { recursive: true, force: true });
    throw e;
  }
  return finish(prepared, results);
}

/** The same without blocking the event loop (the App). */
export async function renderTree(tree: FileTree, scope: Scope, options: RenderOptions = {}): Promise<RenderedSide> {
  const resolved = resolveRenderOptions(options);
  const prepared = prepare(tree, scope, resolved);
  let results: JobResult[];
  try {
    results = await runJobs(jobsOf(prepared), resolved.concurrency);
  } catch (e) {
    if (prepared.temp) rmSync(prepared.temp, { recursive: true, force: true });
    throw e;
  }
  return finish(prepared, results);
}
