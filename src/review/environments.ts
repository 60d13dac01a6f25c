// A pull request over a repository that deploys several environments: each environment (one cluster)
// is analysed on its own, and the results put side by side, every change and finding saying which
// environment it belongs to. Never one union of alternatives. Pure: no I/O.
import type { ExposureFn, SideStats } from "../analysis/analyze.js";
import type { Config } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { buildCluster } from "../model/build.js";
import type { Cluster } from "../model/types.js";
import { overallRisk } from "../rules/index.js";
import { judge, type DiffResult, type EnvironmentSummary } from "../rules/judge.js";
import { analyzeDiff } from "../analysis/analyze.js";
import { clustersetNotes } from "../analysis/clusterset.js";

export interface EnvironmentPair {
  readonly name: string;
  /** The cluster it is deployed to, when its deployer names one. */
  readonly cluster?: string;
  /** Absent: the environment does not exist on that side (added or removed by the pull request). */
  readonly base?: Cluster;
  readonly head?: Cluster;
}

/** Whether the analysis has anything of the cluster to go on: an object that carries or decides traffic. */
function carriesTraffic(c: Cluster): boolean {
  return [
    c.workloads,
    c.services,
    c.networkPolicies,
    c.adminPolicies,
    c.ciliumPolicies ?? [],
    c.calicoPolicies ?? [],
    c.ingresses,
    c.gateways,
    c.xroutes,
    c.openshiftRoutes,
    c.serviceExports ?? [],
    c.serviceImports ?? [],
  ].some((list) => list.length > 0);
}

/**
 * Why a cluster cannot be analysed, or null. "No change" would be a lie when:
 * - it holds no Kubernetes object at all (nothing read, or every unit failed to render); or
 * - it read only objects that carry no traffic (Namespaces, a Flux HelmRelease, RBAC) while what it
 *   deploys could not be read (a render failed, a chart or path from elsewhere): the objects that
 *   matter are the ones missing.
 * An environment of only such objects with nothing missing (a namespaces-only folder) is analysed:
 * everything it deploys was read, and none of it carries traffic. The failed renders' messages are named.
 */
export function couldNotAnalyse(cluster: Cluster): string | null {
  const failed = cluster.diagnostics.filter((d) => d.code === "render-failed" || d.code === "not-deployed-here");
  const what = failed.map((d) => `${d.file}: ${d.message}`).join("; ");
  if (!cluster.objects) return failed.length ? `nothing could be read: ${what}` : "no Kubernetes object was read";
  if (failed.length && !carriesTraffic(cluster))
    return `only ${cluster.objects} object(s) that carry no traffic (no workload, Service, policy or entry point) were read, and what it deploys could not be: ${what}`;
  return null;
}

const EMPTY_STATS: SideStats = { workloads: 0, services: 0, networkPolicies: 0, adminPolicies: 0, classes: 0 };
const sum = (a: SideStats, b: SideStats): SideStats => ({
  workloads: a.workloads + b.workloads,
  services: a.services + b.services,
  networkPolicies: a.networkPolicies + b.networkPolicies,
  adminPolicies: a.adminPolicies + b.adminPolicies,
  classes: a.classes + b.classes,
});

function unique(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.severity}\0${d.file}\0${d.line}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function unanalysedOf(pair: EnvironmentPair): { unanalysed?: EnvironmentSummary["unanalysed"] } {
  const base = pair.base ? couldNotAnalyse(pair.base) : null;
  const head = pair.head ? couldNotAnalyse(pair.head) : null;
  return base || head ? { unanalysed: { ...(base ? { base } : {}), ...(head ? { head } : {}) } } : {};
}

/**
 * Each environment analysed alone, then the results side by side. One pair without a name is the
 * whole repository as one cluster: its result is that cluster's, unchanged.
 */
export function diffEnvironments(
  pairs: readonly EnvironmentPair[],
  config: Config,
  exposureFn?: ExposureFn,
): DiffResult {
  const analyse = (base: Cluster, head: Cluster) => judge(analyzeDiff(base, head, config, exposureFn), config);
  const empty = () => buildCluster([]);
  if (pairs.length === 1 && !pairs[0].name) return analyse(pairs[0].base ?? empty(), pairs[0].head ?? empty());
  const results = pairs.map((p) => ({
    pair: p,
    r: analyse(p.base ?? empty(), p.head ?? empty()),
  }));
  const tag = <T extends object>(list: readonly T[], environment: string) => list.map((x) => ({ ...x, environment }));
  const findings = results.flatMap(({ pair, r }) => tag(r.findings, pair.name));
  const environments: EnvironmentSummary[] = results.map(({ pair, r }) => {
    const changes = r.findings.length + r.exposures.length + r.connections.length + r.objects.length;
    return {
      name: pair.name,
      cluster: pair.cluster,
      status: !pair.base ? "added" : !pair.head ? "removed" : changes ? "changed" : "unchanged",
      risk: r.risk,
      findings: r.findings.length,
      exposures: (r.renames?.exposures ?? r.exposures).length,
      // Reachability changes as every output lists them: a rename's same connections set aside.
      connections: (r.renames?.connections ?? r.connections).length,
      objects: r.objects.length,
      stats: { base: pair.base ? r.stats.base : undefined, head: pair.head ? r.stats.head : undefined },
      ...unanalysedOf(pair),
    };
  });
  const notes = [...new Set(results.flatMap(({ r }) => r.notes))];
  for (const e of environments)
    if (e.status === "added" || e.status === "removed")
      notes.push(`Environment ${e.name} is ${e.status === "added" ? "added" : "removed"} by this pull request.`);
  // Environments on different clusters form a clusterset: what their ServiceExports and ServiceImports link.
  const members = (side: "base" | "head") =>
    pairs.map((p) => ({ environment: p.name, cluster: p.cluster, snapshot: p[side] }));
  notes.push(...clustersetNotes(members("base"), members("head")));
  // One diagram draws one cluster (report/environments.ts draws each environment's): by default the one with the most to show.
  const shown = [...results].sort(
    (a, b) =>
      b.r.findings.length +
      b.r.connections.length +
      b.r.exposures.length -
      (a.r.findings.length + a.r.connections.length + a.r.exposures.length),
  )[0].r;
  const ids = (pick: (r: DiffResult) => readonly string[]) => [...new Set(results.flatMap(({ r }) => pick(r)))].sort();
  return {
    risk: overallRisk(findings),
    findings,
    connections: results.flatMap(({ pair, r }) => tag(r.connections, pair.name)),
    renames: {
      list: results.flatMap(({ pair, r }) => tag(r.renames?.list ?? [], pair.name)),
      connections: results.flatMap(({ pair, r }) => tag(r.renames?.connections ?? r.connections, pair.name)),
      exposures: results.flatMap(({ pair, r }) => tag(r.renames?.exposures ?? r.exposures, pair.name)),
    },
    exposures: results.flatMap(({ pair, r }) => tag(r.exposures, pair.name)),
    objects: results.flatMap(({ pair, r }) => tag(r.objects, pair.name)),
    workloads: { added: ids((r) => r.workloads.added), removed: ids((r) => r.workloads.removed) },
    diagnostics: {
      base: unique(results.flatMap(({ r }) => r.diagnostics.base)),
      head: unique(results.flatMap(({ r }) => r.diagnostics.head)),
    },
    notes,
    stats: {
      base: results.reduce((acc, { pair, r }) => (pair.base ? sum(acc, r.stats.base) : acc), EMPTY_STATS),
      head: results.reduce((acc, { pair, r }) => (pair.head ? sum(acc, r.stats.head) : acc), EMPTY_STATS),
    },
    connectivity: shown.connectivity,
    context: shown.context,
    exposure: {
      base: results.flatMap(({ r }) => r.exposure.base),
      head: results.flatMap(({ r }) => r.exposure.head),
    },
    environments,
    environmentContexts: Object.fromEntries(results.map(({ pair, r }) => [pair.name, r.context])),
  };
}
