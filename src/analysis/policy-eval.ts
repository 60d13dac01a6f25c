// How one direction of one connection is decided, tier by tier, exactly as Kubernetes defines it:
// admin tier (AdminNetworkPolicy / ClusterNetworkPolicy Admin, by priority then rule order:
// Allow/Deny final, Pass hands over) -> NetworkPolicy (if any selects the pod in this direction:
// the union of its matching rules) -> baseline tier (BaselineAdminNetworkPolicy / ClusterNetworkPolicy
// Baseline) -> allowed.
import { overlaps, containsInterval, universe, type IpInterval } from "../core/ip.js";
import { matches, type LabelSelector, type Labels } from "../core/label-selector.js";
import { ConnSet, PortSet } from "../core/port-set.js";
import type {
  AdminPeer,
  AdminPolicy,
  AdminPort,
  AdminRule,
  Cluster,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  Workload,
} from "../model/types.js";
import {
  CILIUM_NAMESPACE_LABEL,
  CILIUM_NAMESPACE_LABELS_PREFIX,
  type CiliumPolicy,
  type CiliumRule,
  type CiliumSpec,
  ciliumRuleName,
} from "../model/kinds/cilium-policy.js";

export type Direction = "ingress" | "egress";

const IPV4_ALL = universe(4);

/** One side of a connection: a group of identical pods, or a block of outside addresses. */
export type Endpoint =
  | { readonly type: "pods"; readonly pods: PodClass }
  | { readonly type: "ip"; readonly interval: IpInterval };

/**
 * Pods that behave the same under every policy: same namespace, same labels, same named ports,
 * same hostNetwork. The engine evaluates classes, never individual workloads.
 */
export interface PodClass {
  readonly index: number;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: Workload["ports"];
  readonly hostNetwork: boolean;
  readonly members: Workload[];
}

/** Why part of a connection was allowed or denied: one policy rule (or a default). */
export interface Step {
  readonly direction: Direction;
  readonly tier: "admin" | "networkpolicy" | "cilium" | "baseline" | "default" | "hostNetwork";
  readonly verdict: "allow" | "deny" | "pass" | "isolate";
  readonly conns: ConnSet;
  readonly policy?: string;
  readonly rule?: string;
  /** For a NetworkPolicy rule: whether it names its peers (a `from`/`to` list) rather than admitting every peer. */
  readonly namesPeers?: boolean;
  readonly file?: string;
  readonly line?: number;
  /** A Cilium rule with L7 rules or toFQDNs: allowed at L4, restricted at L7 (which we do not evaluate). */
  readonly l7?: readonly string[];
}

interface RankedRule {
  readonly policy: AdminPolicy;
  readonly rule: AdminRule;
}

export class PolicyEvaluator {
  private readonly podSelectorCache = new Map<string, Map<number, boolean>>();
  private readonly namespaceSelectorCache = new Map<string, Map<string, boolean>>();
  private readonly adminRules: Record<"admin" | "baseline", Record<Direction, RankedRule[]>>;
  private readonly npByNamespace = new Map<string, NetworkPolicy[]>();
  private readonly selecting: Record<Direction, Map<number, NetworkPolicy[]>> = {
    ingress: new Map(),
    egress: new Map(),
  };

  constructor(readonly cluster: Cluster) {
    const ranked = (tier: "admin" | "baseline", direction: Direction): RankedRule[] =>
      cluster.adminPolicies
        .filter((p) => p.tier === tier)
        // Lower priority numbers first; equal priorities are undefined upstream, so order by name to be stable.
        .sort(
          (a, b) =>
            a.priority - b.priority ||
            (a.kind === b.kind ? 0 : a.kind < b.kind ? -1 : 1) ||
            (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
        )
        .flatMap((policy) => policy[direction].map((rule) => ({ policy, rule })));
    this.adminRules = {
      admin: { ingress: ranked("admin", "ingress"), egress: ranked("admin", "egress") },
      baseline: { ingress: ranked("baseline", "ingress"), egress: ranked("baseline", "egress") },
    };
    for (const np of cluster.networkPolicies) {
      const list = this.npByNamespace.get(np.namespace) ?? [];
      list.push(np);
      this.npByNamespace.set(np.namespace, list);
    }
  }

  // Selector key -> class index (pod labels) or namespace name (namespace labels) -> whether it
  // matches: nested maps, so that a lookup builds no string.
  private cached<K>(cache: Map<string, Map<K, boolean>>, selector: LabelSelector, labels: Labels, key: K): boolean {
    let bySelector = cache.get(selector.key);
    if (!bySelector) {
      bySelector = new Map<K, boolean>();
      cache.set(selector.key, bySelector);
    }
    let hit = bySelector.get(key);
    if (hit === undefined) {
      hit = matches(selector, labels);
      bySelector.set(key, hit);
    }
    return hit;
  }

  private podMatches(selector: LabelSelector, pods: PodClass): boolean {
    return this.cached(this.podSelectorCache, selector, pods.labels, pods.index);
  }

  private namespaceMatches(selector: LabelSelector, pods: PodClass): boolean {
    return this.cached(this.namespaceSelectorCache, selector, pods.namespaceLabels, pods.namespace);
  }

  /** NetworkPolicies that select these pods and have this direction in their policyTypes. */
  selectingPolicies(pods: PodClass, direction: Direction): NetworkPolicy[] {
    const cache = this.selecting[direction];
    let list = cache.get(pods.index);
    if (!list) {
      list = pods.hostNetwork
        ? []
        : this.candidates(pods).filter((np) => np.policyTypes[direction] && this.podMatches(np.podSelector, pods));
      cache.set(pods.index, list);
    }
    return list;
  }

  // A selector index per namespace: a policy whose podSelector requires some label to equal a value is
  // filed under that label and value, the others under `always`. The policies that can select a pod
  // are then `always` and those filed under one of its own labels, in the namespace's order.
  private readonly npIndex = new Map<string, { readonly byLabel: Map<string, number[]>; readonly always: number[] }>();

  private candidates(pods: PodClass): NetworkPolicy[] {
    const policies = this.npByNamespace.get(pods.namespace) ?? [];
    let index = this.npIndex.get(pods.namespace);
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
      this.npIndex.set(pods.namespace, index);
    }
    const at = [...index.always];
    for (const [key, value] of Object.entries(pods.labels)) {
      const list = index.byLabel.get(`${key}\u0000${value}`);
      if (list) at.push(...list);
    }
    return at.sort((a, b) => a - b).map((i) => policies[i]);
  }

  private subjectMatches(policy: AdminPolicy, pods: PodClass): boolean {
    if (pods.hostNetwork) return false;
    return (
      this.namespaceMatches(policy.subject.namespaceSelector, pods) &&
      (policy.subject.podSelector === null || this.podMatches(policy.subject.podSelector, pods))
    );
  }

  private npPeerMatches(np: NetworkPolicy, peer: NetworkPolicyPeer, other: Endpoint): boolean {
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
        : this.namespaceMatches(peer.namespaceSelector, other.pods);
    return nsOk && this.podMatches(peer.podSelector, other.pods);
  }

  private npRuleMatches(np: NetworkPolicy, rule: NetworkPolicyRule, other: Endpoint): boolean {
    if (rule.peers === null) return true;
    for (const p of rule.peers) if (this.npPeerMatches(np, p, other)) return true;
    return false;
  }

  // npRulePorts per rule (and per target class when the rule names ports): the engine asks the same
  // question for every pair of classes, and a ConnSet is immutable.
  private readonly rulePorts = new WeakMap<NetworkPolicyRule, ConnSet>();
  private readonly namedRulePorts = new WeakMap<NetworkPolicyRule, Map<PodClass | null, ConnSet>>();

  private cachedRulePorts(rule: NetworkPolicyRule, target: PodClass | null): ConnSet {
    if (rule.ports === null) return ConnSet.ALL;
    const named = rule.ports.some((p) => typeof p.port === "string");
    if (!named) {
      let hit = this.rulePorts.get(rule);
      if (!hit) this.rulePorts.set(rule, (hit = this.npRulePorts(rule, target)));
      return hit;
    }
    let byTarget = this.namedRulePorts.get(rule);
    if (!byTarget) this.namedRulePorts.set(rule, (byTarget = new Map()));
    let hit = byTarget.get(target);
    if (!hit) byTarget.set(target, (hit = this.npRulePorts(rule, target)));
    return hit;
  }

  /** The ports a NetworkPolicy rule opens towards `target` (the destination pod, whose named ports count). */
  npRulePorts(rule: NetworkPolicyRule, target: PodClass | null): ConnSet {
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

  private adminPeerMatches(peer: AdminPeer, action: AdminRule["action"], other: Endpoint): boolean {
    switch (peer.type) {
      case "pods":
        if (other.type !== "pods" || other.pods.hostNetwork) return false;
        return (
          this.namespaceMatches(peer.namespaceSelector, other.pods) &&
          (peer.podSelector === null || this.podMatches(peer.podSelector, other.pods))
        );
      case "networks":
        if (other.type === "ip") return peer.blocks.some((b) => containsInterval(b, other.interval));
        // The API: "cluster-internal traffic will be checked against the rule too. So if you Allow or Deny
        // traffic to 0.0.0.0/0, that will allow or deny all IPv4 pod-to-pod traffic as well." Pod (and node)
        // addresses are not known statically: only a block holding the whole IPv4 space is sure to hold every
        // pod, so only such a block matches pods (pod-to-pod edges stand for IPv4 traffic, as in np-guard;
        // ::/0 alone does not match them). A narrower block is taken to name outside addresses only, as np-guard does.
        return peer.blocks.some((b) => b.family === 4 && b.lo === 0n && b.hi === IPV4_ALL.hi);
      case "unsupported":
        // nodes and domainNames name addresses we cannot see; an unknown peer fails closed.
        if (peer.what === "nodes" || peer.what === "domainNames") return false;
        return action !== "Allow";
    }
  }

  private adminRulePorts(ports: readonly AdminPort[] | null, target: PodClass | null): ConnSet {
    if (ports === null) return ConnSet.ALL;
    let out = ConnSet.NONE;
    for (const p of ports) {
      if (p.type === "numbers") out = out.union(ConnSet.ports(p.protocol, p.ports));
      else if (target)
        for (const cp of target.ports)
          if (cp.name === p.name) out = out.union(ConnSet.ports(cp.protocol, PortSet.range(cp.containerPort)));
    }
    return out;
  }

  // Cilium: the labels Cilium gives a pod (its own, its namespace's name, its namespace's labels under
  // io.cilium.k8s.namespace.labels.), the specs that select a class, and how a rule matches a peer.
  private readonly ciliumLabelCache = new Map<number, Labels>();
  private readonly ciliumSelecting: Record<Direction, Map<number, { policy: CiliumPolicy; spec: CiliumSpec }[]>> = {
    ingress: new Map(),
    egress: new Map(),
  };
  private readonly ciliumSelectorCache = new Map<string, Map<number, boolean>>();

  private ciliumLabels(pods: PodClass): Labels {
    let labels = this.ciliumLabelCache.get(pods.index);
    if (!labels) {
      const out: Record<string, string> = { ...pods.labels, [CILIUM_NAMESPACE_LABEL]: pods.namespace };
      for (const [k, v] of Object.entries(pods.namespaceLabels)) out[`${CILIUM_NAMESPACE_LABELS_PREFIX}${k}`] = v;
      labels = out;
      this.ciliumLabelCache.set(pods.index, labels);
    }
    return labels;
  }

  private ciliumMatches(selector: LabelSelector, pods: PodClass): boolean {
    // Classes with index -1 (synthetic) are not cached.
    if (pods.index < 0) return matches(selector, this.ciliumLabels(pods));
    return this.cached(this.ciliumSelectorCache, selector, this.ciliumLabels(pods), pods.index);
  }

  /** Cilium specs that select these pods and carry rules (or default deny) in this direction. */
  ciliumSpecs(pods: PodClass, direction: Direction): { policy: CiliumPolicy; spec: CiliumSpec }[] {
    const cache = this.ciliumSelecting[direction];
    let list = cache.get(pods.index);
    if (!list) {
      list = [];
      if (!pods.hostNetwork)
        for (const policy of this.cluster.ciliumPolicies ?? [])
          for (const spec of policy.specs)
            if (
              spec.endpointSelector &&
              (spec[direction].length > 0 || spec.defaultDeny[direction]) &&
              this.ciliumMatches(spec.endpointSelector, pods)
            )
              list.push({ policy, spec });
      if (pods.index >= 0) cache.set(pods.index, list);
    }
    return list;
  }

  // Entities: docs.cilium.io/en/latest/security/policy/language/#entities-based. world is outside the
  // cluster; cluster is every endpoint in it (host-networked pods carry the host or remote-node identity);
  // kube-apiserver, health, init, unmanaged and ingress name endpoints we do not model.
  private ciliumPeerMatches(rule: CiliumRule, other: Endpoint): boolean {
    if (!rule.namesPeers) return true;
    if (other.type === "ip") {
      const iv = other.interval;
      for (const e of rule.entities)
        if (
          e === "all" ||
          e === "world" ||
          (e === "world-ipv4" && iv.family === 4) ||
          (e === "world-ipv6" && iv.family === 6)
        )
          return true;
      // CIDR rules name addresses outside the cluster: "CIDR rules do not apply to traffic where both sides
      // of the connection are either managed by Cilium or use an IP belonging to a node in the cluster".
      for (const c of rule.cidrs)
        if (containsInterval(c.cidr, iv) && !c.except.some((hole) => overlaps(hole, iv))) return true;
      // toFQDNs opens the addresses its names resolve to: any outside address, restricted by name (reported).
      return rule.fqdns.length > 0;
    }
    const pods = other.pods;
    if (pods.hostNetwork)
      return rule.entities.some((e) => e === "all" || e === "cluster" || e === "host" || e === "remote-node");
    if (rule.entities.some((e) => e === "all" || e === "cluster")) return true;
    return rule.endpoints.some((s) => this.ciliumMatches(s, pods));
  }

  private readonly ciliumPortsCache = new WeakMap<CiliumRule, Map<PodClass | null, ConnSet>>();

  /** The ports a Cilium rule covers towards `target` (the destination pod, whose named ports count). */
  ciliumRulePorts(rule: CiliumRule, target: PodClass | null): ConnSet {
    if (rule.ports === null) return ConnSet.ALL;
    let byTarget = this.ciliumPortsCache.get(rule);
    if (!byTarget) this.ciliumPortsCache.set(rule, (byTarget = new Map()));
    const key = rule.ports.some((p) => p.type === "name") ? target : null;
    let out = byTarget.get(key);
    if (out) return out;
    out = ConnSet.NONE;
    for (const p of rule.ports)
      for (const protocol of p.protocols) {
        if (p.type === "numbers") out = out.union(ConnSet.ports(protocol, PortSet.range(p.from, p.to)));
        else if (target)
          for (const cp of target.ports)
            if (cp.name === p.name && cp.protocol === protocol)
              out = out.union(ConnSet.ports(protocol, PortSet.range(cp.containerPort)));
      }
    byTarget.set(key, out);
    return out;
  }

  /**
   * What `subject` allows in `direction` with `other` (for ingress: traffic from other into subject;
   * for egress: traffic from subject to other). Steps are appended to `trace` when given.
   */
  evaluate(direction: Direction, subject: PodClass, other: Endpoint, trace?: Step[]): ConnSet {
    if (subject.hostNetwork) {
      trace?.push({ direction, tier: "hostNetwork", verdict: "allow", conns: ConnSet.ALL });
      return ConnSet.ALL;
    }
    const target = direction === "ingress" ? subject : other.type === "pods" ? other.pods : null;
    let remaining = ConnSet.ALL;
    let allowed = ConnSet.NONE;

    const runTier = (tier: "admin" | "baseline") => {
      let passed = ConnSet.NONE;
      for (const { policy, rule } of this.adminRules[tier][direction]) {
        if (remaining.isEmpty()) break;
        if (!this.subjectMatches(policy, subject)) continue;
        if (!rule.peers.some((peer) => this.adminPeerMatches(peer, rule.action, other))) continue;
        const conns = this.adminRulePorts(rule.ports, target).intersect(remaining);
        if (conns.isEmpty()) continue;
        remaining = remaining.subtract(conns);
        if (rule.action === "Allow") allowed = allowed.union(conns);
        if (rule.action === "Pass") passed = passed.union(conns);
        const verdict = rule.action === "Allow" ? "allow" : rule.action === "Deny" ? "deny" : "pass";
        trace?.push({
          direction,
          tier,
          verdict,
          conns,
          policy: policy.id,
          rule: rule.name,
          file: policy.source.file,
          line: rule.line,
        });
      }
      remaining = remaining.union(passed);
    };

    if (this.adminRules.admin[direction].length > 0) runTier("admin");
    if (remaining.isEmpty()) return allowed;

    // Cilium: deny rules first, whatever allows them ("Deny policies take precedence over allow policies,
    // regardless of whether they are a Cilium Network Policy, a Clusterwide Cilium Network Policy or even a
    // Kubernetes Network Policy", docs.cilium.io/en/latest/security/policy/deny/).
    const cilium = this.ciliumSpecs(subject, direction);
    let ciliumDefaultDeny = false;
    for (const { policy, spec } of cilium) {
      if (spec.defaultDeny[direction]) ciliumDefaultDeny = true;
      for (const rule of spec[direction]) {
        if (!rule.deny || remaining.isEmpty() || !this.ciliumPeerMatches(rule, other)) continue;
        const conns = this.ciliumRulePorts(rule, target).intersect(remaining);
        if (conns.isEmpty()) continue;
        remaining = remaining.subtract(conns);
        trace?.push({
          direction,
          tier: "cilium",
          verdict: "deny",
          conns,
          policy: policy.id,
          rule: ciliumRuleName(rule),
          namesPeers: rule.namesPeers,
          file: policy.source.file,
          line: rule.line,
        });
      }
    }
    if (remaining.isEmpty()) return allowed;

    const policies = this.selectingPolicies(subject, direction);
    // A pod is isolated when any policy selects it in this direction, a Kubernetes NetworkPolicy or a Cilium
    // policy with default deny ("Pods will enter default-deny mode as soon a single policy selects it");
    // then what is allowed is the union of the allow rules of both.
    if (policies.length > 0 || ciliumDefaultDeny) {
      let opened = ConnSet.NONE;
      for (const { policy, spec } of cilium) {
        let any = false;
        for (const rule of spec[direction]) {
          if (rule.deny || !this.ciliumPeerMatches(rule, other)) continue;
          const conns = this.ciliumRulePorts(rule, target);
          if (conns.isEmpty()) continue;
          any = true;
          opened = opened.union(conns);
          trace?.push({
            direction,
            tier: "cilium",
            verdict: "allow",
            conns: conns.intersect(remaining),
            policy: policy.id,
            rule: ciliumRuleName(rule),
            namesPeers: rule.namesPeers,
            file: policy.source.file,
            line: rule.line,
            ...(rule.l7.length ? { l7: rule.l7 } : {}),
          });
        }
        if (!any && spec.defaultDeny[direction])
          trace?.push({
            direction,
            tier: "cilium",
            verdict: "isolate",
            conns: ConnSet.NONE,
            policy: policy.id,
            file: policy.source.file,
            line: spec.line,
          });
      }
      for (const np of policies) {
        const rules = np[direction];
        let any = false;
        for (const rule of rules) {
          if (!this.npRuleMatches(np, rule, other)) continue;
          const conns = this.cachedRulePorts(rule, target);
          if (conns.isEmpty()) continue;
          any = true;
          opened = opened.union(conns);
          trace?.push({
            direction,
            tier: "networkpolicy",
            verdict: "allow",
            conns: conns.intersect(remaining),
            policy: np.id,
            rule: `${direction} rule #${rule.index + 1}`,
            namesPeers: rule.peers !== null,
            file: np.source.file,
            line: rule.line,
          });
        }
        if (!any)
          trace?.push({
            direction,
            tier: "networkpolicy",
            verdict: "isolate",
            conns: ConnSet.NONE,
            policy: np.id,
            file: np.source.file,
            line: np.source.line,
          });
      }
      return allowed.union(remaining.intersect(opened));
    }

    if (this.adminRules.baseline[direction].length > 0) runTier("baseline");
    if (!remaining.isEmpty()) trace?.push({ direction, tier: "default", verdict: "allow", conns: remaining });
    return allowed.union(remaining);
  }
}
