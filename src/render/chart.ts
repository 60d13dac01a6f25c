// Reads a Helm chart's Chart.yaml for what rendering needs to know before running helm: whether the
// chart can be installed at all (a library chart cannot), and where each dependency comes from.
import { parseDocument } from "yaml";
import { posix } from "node:path";
import type { FileTree } from "./tree.js";
import { resolveIn } from "./tree.js";

export interface ChartDependency {
  readonly name: string;
  /** `repository:` as written ("" when absent). */
  readonly repository: string;
}

export interface ChartFile {
  readonly type: string;
  readonly dependencies: readonly ChartDependency[];
}

export function readChart(text: string): ChartFile {
  let data: unknown;
  try {
    data = parseDocument(text).toJS();
  } catch {
    data = undefined;
  }
  const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const deps = Array.isArray(d.dependencies) ? d.dependencies : [];
  return {
    type: typeof d.type === "string" ? d.type : "application",
    dependencies: deps.flatMap((x) => {
      const dep = (typeof x === "object" && x !== null ? x : {}) as Record<string, unknown>;
      return typeof dep.name === "string" && dep.name
        ? [{ name: dep.name, repository: typeof dep.repository === "string" ? dep.repository.trim() : "" }]
        : [];
    }),
  };
}

/** Where a chart's dependencies come from: vendored in charts/, a chart folder of the repository, or remote. */
export interface ResolvedDependencies {
  /**
   * file:// dependencies not vendored (and theirs, in turn): the chart folder `dir` of the repository is
   * placed at `at` (charts/<name>, relative to the chart) in the chart's private copy when rendering.
   */
  readonly local: { readonly at: string; readonly dir: string }[];
  /** Dependencies helm would have to fetch: "name (repository)". */
  readonly remote: string[];
  /** Dependencies that cannot be found at all. */
  readonly missing: string[];
}

/** Whether charts/ of a chart holds the dependency, unpacked or as the archive helm dependency build writes. */
function vendored(tree: FileTree, dir: string, name: string): boolean {
  const charts = dir ? `${dir}/charts` : "charts";
  if (tree.isFile(`${charts}/${name}/Chart.yaml`)) return true;
  return tree
    .files(charts, true)
    .some((f) => posix.dirname(f) === charts && f.endsWith(".tgz") && posix.basename(f).startsWith(`${name}-`));
}

export function resolveDependencies(
  tree: FileTree,
  dir: string,
  chart: ChartFile,
  read: (chartYaml: string) => ChartFile,
): ResolvedDependencies {
  const out: ResolvedDependencies = { local: [], remote: [], missing: [] };
  const visit = (from: string, c: ChartFile, at: string, seen: readonly string[]) => {
    for (const dep of c.dependencies) {
      if (vendored(tree, from, dep.name)) continue;
      const repo = dep.repository;
      if (/^file:\/\//i.test(repo)) {
        const target = resolveIn(from, repo.slice("file://".length));
        const chartYaml = target === null ? null : target ? `${target}/Chart.yaml` : "Chart.yaml";
        if (target === null || chartYaml === null || !tree.isFile(chartYaml))
          out.missing.push(`${dep.name} (${repo}: no chart there in the repository)`);
        else if (seen.includes(target)) out.missing.push(`${dep.name} (${repo}: depends on itself)`);
        else {
          const place = `${at ? `${at}/` : ""}charts/${dep.name}`;
          out.local.push({ at: place, dir: target });
          visit(target, read(chartYaml), place, [...seen, target]);
        }
      } else if (repo === "") out.missing.push(`${dep.name} (no repository, and not in charts/)`);
      else out.remote.push(`${dep.name} (${repo})`);
    }
  };
  visit(dir, chart, "", [dir]);
  return out;
}
