// Whether the flows the configuration declares (model/dependencies.ts) are allowed on one side: the
// caller's egress and the target's ingress, on the target's container port. The API server is not a
// pod: its calls come from the control plane's addresses, outside every pod network, so a webhook is
// reachable when the target's ingress admits the port from some outside address (which one the
// manifests cannot say; a rule that admits no outside address at all surely blocks it). Likewise a
// ServiceImport (Multi-cluster Services): its pods are in other clusters, outside addresses here, so the
// flow is allowed when the caller's egress admits the port to some outside address.
import type { Family } from "../core/ip.js";
import { ConnSet, PortSet } from "../core/port-set.js";
import { API_SERVER } from "../model/dependencies.js";
import type { Cluster, Dependency, DependencyTarget } from "../model/types.js";
import { type PodClass, PolicyEvaluator } from "./policy-eval.js";
import { classConns, defaultFamilies, ipRuns, NamespaceAtoms, podClasses } from "./reach.js";

/** What one side allows of a flow from a workload (or API_SERVER) to a workload; undefined when either is unknown. */
export type FlowCheck = (from: string, to: string, conns: ConnSet) => ConnSet | undefined;

/** The traffic a declared flow needs: the target's container port. */
function flowConns(t: DependencyTarget): ConnSet {
  return ConnSet.ports(t.protocol, PortSet.range(t.port));
}

export function flowChecker(
  cluster: Cluster,
  evaluator: PolicyEvaluator,
  classOf: ReadonlyMap<string, PodClass>,
  families: readonly Family[],
): FlowCheck {
  let atoms: NamespaceAtoms | undefined;
  // Several rules ask about the same flows, and many workloads share a class: one answer per class pair.
  const known = new Map<string, ConnSet>();
  // A ServiceImport's endpoints are pods of other clusters, outside addresses here: only the caller's egress decides.
  const imports = new Set((cluster.serviceImports ?? []).map((i) => i.id));
  return (from, to, conns) => {
    if (imports.has(to)) {
      const src = classOf.get(from);
      if (!src) return undefined;
      const key = `${src.index} ${to}`;
      let all = known.get(key);
      if (!all) {
        atoms ??= new NamespaceAtoms(cluster, families);
        const runs = ipRuns(evaluator, src, "egress", atoms.of(src.namespace));
        all = runs.reduce((acc, r) => acc.union(r.conns), ConnSet.NONE);
        known.set(key, all);
      }
      return all.intersect(conns);
    }
    const dst = classOf.get(to);
    if (!dst) return undefined;
    const src = from === API_SERVER ? undefined : classOf.get(from);
    if (from !== API_SERVER && !src) return undefined;
    const key = `${src?.index ?? "api"} ${dst.index}`;
    let all = known.get(key);
    if (!all) {
      if (src) all = classConns(evaluator, src, dst);
      else {
        atoms ??= new NamespaceAtoms(cluster, families);
        const runs = ipRuns(evaluator, dst, "ingress", atoms.of(dst.namespace));
        all = runs.reduce((acc, r) => acc.union(r.conns), ConnSet.NONE);
      }
      known.set(key, all);
    }
    return all.intersect(conns);
  };
}

/** The targets of a dependency that base allows and head denies. */
export function blockedTargets(d: Dependency, base: FlowCheck, head: FlowCheck): DependencyTarget[] {
  return d.targets.filter((t) => {
    const conns = flowConns(t);
    const b = base(d.from, t.workload, conns);
    const h = head(d.from, t.workload, conns);
    return b !== undefined && !b.isEmpty() && h?.isEmpty() === true;
  });
}

/** Whether a side denies the dependency to every target it knows. */
export function deniedEverywhere(d: Dependency, side: FlowCheck): boolean {
  const verdicts = d.targets.map((t) => side(d.from, t.workload, flowConns(t))).filter((c) => c !== undefined);
  return verdicts.length > 0 && verdicts.every((c) => c.isEmpty());
}

/** One declared flow of a snapshot and whether its policies allow it. */
export interface DeclaredFlowState {
  readonly dependency: Dependency;
  readonly target: DependencyTarget;
  /** What the policies allow of the flow's port (empty: denied). */
  readonly allowed: ConnSet;
}

/** Every declared flow of a snapshot (one per dependency and target), with what its policies allow. */
export function declaredFlowStates(
  cluster: Cluster,
  families: readonly Family[] = defaultFamilies(cluster),
): DeclaredFlowState[] {
  const classOf = new Map<string, PodClass>();
  for (const c of podClasses(cluster)) for (const w of c.members) classOf.set(w.id, c);
  const allows = flowChecker(cluster, new PolicyEvaluator(cluster), classOf, families);
  return cluster.dependencies.flatMap((dependency) =>
    dependency.targets.map((target) => ({
      dependency,
      target,
      allowed: allows(dependency.from, target.workload, flowConns(target)) ?? ConnSet.NONE,
    })),
  );
}
