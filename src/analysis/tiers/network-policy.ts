// The NetworkPolicy tier: the policies that select a pod in a direction, and the union of their
// matching rules (a selected pod with no matching rule is isolated).
import { containsInterval, overlaps } from "../../core/ip.js";
import { ConnSet, PortSet } from "../../core/port-set.js";
import type { Cluster, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyRule } from "../../model/types.js";
import type { Direction, Endpoint, PodClass, Step } from "../policy-eval.js";
import type { SelectorCache } from "./selectors.js";

/** The trace step of a NetworkPolicy rule that opens `conns` (in the NetworkPolicy tier or Calico's default tier). */
export function allowStep(np: NetworkPolicy, rule: NetworkPolicyRule, direction: Direction, conns: ConnSet): Step {
  return {
    direction,
    tier: "networkpolicy",
    verdict: "allow",
    conns,
    policy: np.id,
    rule: `${direction} rule #${rule.index + 1}`,
    namesPeers: rule.peers !== null,
    file: np.source.file,
    line: rule.line,
  };
}

/** The trace step of a NetworkPolicy that selects the pod and opens nothing to the peer: it isolates. */
export function isolateStep(np: NetworkPolicy, direction: Direction): Step {
  return {
    direction,
    tier: "networkpolicy",
    verdict: "isolate",
    conns: ConnSet.NONE,
    policy: np.id,
    file: np.source.file,
    line: np.source.line,
  };
}

export class NetworkPolicyTier {
  private readonly byNamespace = new Map<string, NetworkPolicy[]>();
  private readonly selecting: Record<Direction, Map<number, NetworkPolicy[]>> = {
    ingress: new Map(),
    egress: new Map(),
  };

  constructor(
    cluster: Cluster,
    private readonly selectors: SelectorCache,
  ) {
    for (const np of cluster.networkPolicies) {
      const list = this.byNamespace.get(np.namespace) ?? [];
      list.push(np);
      this.byNamespace.set(np.namespace, list);
    }
  }

  /** NetworkPolicies that select these pods and have this direction in their policyTypes. */
  selectingPolicies(pods: PodClass, direction: Direction): NetworkPolicy[] {
    const cache = this.selecting[direction];
    let list = cache.get(pods.index);
    if (!list) {
      list = pods.hostNetwork
        ? []
        : this.candidates(pods).filter(
            (np) => np.policyTypes[direction] && this.selectors.podMatches(np.podSelector, pods),
          );
      cache.set(pods.index, list);
    }
    return list;
  }

  /**
   * What the rules of `policies` (those selecting the subject) open towards `other`: the union of
   * every matching rule's ports. Steps are appended to `trace`, an isolate step for a policy that opens nothing.
   */
  open(
    direction: Direction,
    policies: readonly NetworkPolicy[],
    other: Endpoint,
    target: PodClass | null,
    remaining: ConnSet,
    trace?: Step[],
  ): ConnSet {
    let opened = ConnSet.NONE;
    for (const np of policies) {
      let any = false;
      for (const rule of np[direction]) {
        if (!this.ruleMatches(np, rule, other)) continue;
        const conns = this.cachedRulePorts(rule, target);
        if (conns.isEmpty()) continue;
        any = true;
        opened = opened.union(conns);
        trace?.push(allowStep(np, rule, direction, conns.intersect(remaining)));
      }
      if (!any) trace?.push(isolateStep(np, direction));
    }
    return opened;
  }

  // A selector index per namespace: a policy whose podSelector requires some label to equal a value is
  // filed under that label and value, the others under `always`. The policies that can select a pod
  // are then `always` and those filed under one of its own labels, in the namespace's order.
  private readonly index = new Map<string, { readonly byLabel: Map<string, number[]>; readonly always: number[] }>();

  private candidates(pods: PodClass): NetworkPolicy[] {
    const policies = this.byNamespace.get(pods.namespace) ?? [];
    let index = this.index.get(pods.namespace);
    if (!index) {
      index = { byLabel: new Map(), always: [] };
      policies.forEach((np, i) => {
        const eq = np.podSelector.requirements.find((r) => r.operator === "In" && r.values.length === 1);
        if (!eq) return index!.always.push(i);
        const key = `${eq.key}\u0000${eq.values[0]}`;
        const list = index!.byLabel.get(key);
        if (list) list.push(i);
        else index!.byLabel.set(key, [i]);
      });
      this.index.set(pods.namespace, index);
    }
    const at = [...index.always];
    for (const [key, value] of Object.entries(pods.labels)) {
      const list = index.byLabel.get(`${key}\u0000${value}`);
      if (list) at.push(...list);
    }
    return at.sort((a, b) => a - b).map((i) => policies[i]);
  }

  private peerMatches(np: NetworkPolicy, peer: NetworkPolicyPeer, other: Endpoint): boolean {
    if (peer.type === "ipBlock") {
      // ipBlock describes addresses outside the cluster; pod addresses are not known statically. Whether a
      // pod's IP matches an ipBlock is implementation-defined (the API says the blocks "should be
      // cluster-external IPs"): we never match pods with it, as np-guard does not.
      if (other.type !== "ip") return false;
      return containsInterval(peer.cidr, other.interval) && !peer.except.some((hole) => overlaps(hole, other.interval));
    }
    if (other.type !== "pods" || other.pods.hostNetwork) return false;
    const nsOk =
      peer.namespaceSelector === null
        ? other.pods.namespace === np.namespace
        : this.selectors.namespaceMatches(peer.namespaceSelector, other.pods);
    return nsOk && this.selectors.podMatches(peer.podSelector, other.pods);
  }

  /** Whether a rule of `np` matches the peer `other` (Calico's default tier asks it too). */
  ruleMatches(np: NetworkPolicy, rule: NetworkPolicyRule, other: Endpoint): boolean {
    if (rule.peers === null) return true;
    for (const p of rule.peers) if (this.peerMatches(np, p, other)) return true;
    return false;
  }

  // rulePorts per rule (and per target class when the rule names ports): the engine asks the same
  // question for every pair of classes, and a ConnSet is immutable.
  private readonly rulePortsCache = new WeakMap<NetworkPolicyRule, ConnSet>();
  private readonly namedRulePorts = new WeakMap<NetworkPolicyRule, Map<PodClass | null, ConnSet>>();

  /** The ports a rule opens towards `target`, cached (Calico's default tier asks it too). */
  cachedRulePorts(rule: NetworkPolicyRule, target: PodClass | null): ConnSet {
    if (rule.ports === null) return ConnSet.ALL;
    const named = rule.ports.some((p) => typeof p.port === "string");
    if (!named) {
      let hit = this.rulePortsCache.get(rule);
      if (!hit) this.rulePortsCache.set(rule, (hit = rulePorts(rule, target)));
      return hit;
    }
    let byTarget = this.namedRulePorts.get(rule);
    if (!byTarget) this.namedRulePorts.set(rule, (byTarget = new Map()));
    let hit = byTarget.get(target);
    if (!hit) byTarget.set(target, (hit = rulePorts(rule, target)));
    return hit;
  }
}

/** The ports a NetworkPolicy rule opens towards `target` (the destination pod, whose named ports count). */
function rulePorts(rule: NetworkPolicyRule, target: PodClass | null): ConnSet {
  if (rule.ports === null) return ConnSet.ALL;
  let out = ConnSet.NONE;
  for (const p of rule.ports) {
    if (p.port === undefined) out = out.union(ConnSet.ports(p.protocol, PortSet.ALL));
    else if (typeof p.port === "number")
      out = out.union(ConnSet.ports(p.protocol, PortSet.range(p.port, p.endPort ?? p.port)));
    else if (target)
      for (const cp of target.ports)
        if (cp.name === p.port && cp.protocol === p.protocol)
          out = out.union(ConnSet.ports(cp.protocol, PortSet.range(cp.containerPort)));
  }
  return out;
}
