// The Cilium tier: CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy specs that select a pod,
// their deny rules (before every allow) and their allow rules (joined with NetworkPolicy's).
// Semantics from docs.cilium.io/en/latest/security/policy/ (read in model/kinds/cilium-policy.ts).
import { containsInterval, overlaps } from "../../core/ip.js";
import { type LabelSelector, type Labels, matches } from "../../core/label-selector.js";
import { ConnSet, PortSet } from "../../core/port-set.js";
import {
  CILIUM_NAMESPACE_LABEL,
  CILIUM_NAMESPACE_LABELS_PREFIX,
  type CiliumPolicy,
  type CiliumRule,
  type CiliumSpec,
  ciliumRuleName,
} from "../../model/kinds/cilium-policy.js";
import type { Cluster } from "../../model/types.js";
import type { Direction, Endpoint, PodClass, Step } from "../policy-eval.js";
import { cachedMatch } from "./selectors.js";

type Selected = { policy: CiliumPolicy; spec: CiliumSpec };

export class CiliumTier {
  // The labels Cilium gives a pod (its own, its namespace's name, its namespace's labels under
  // io.cilium.k8s.namespace.labels.), the specs that select a class, and how a rule matches a peer.
  private readonly labelCache = new Map<number, Labels>();
  private readonly selecting: Record<Direction, Map<number, Selected[]>> = {
    ingress: new Map(),
    egress: new Map(),
  };
  private readonly selectorCache = new Map<string, Map<number, boolean>>();
  private readonly portsCache = new WeakMap<CiliumRule, Map<PodClass | null, ConnSet>>();

  constructor(private readonly cluster: Cluster) {}

  /** Cilium specs that select these pods and carry rules (or default deny) in this direction. */
  specs(pods: PodClass, direction: Direction): Selected[] {
    const cache = this.selecting[direction];
    let list = cache.get(pods.index);
    if (!list) {
      list = [];
      if (!pods.hostNetwork)
        for (const policy of this.cluster.ciliumPolicies ?? [])
          for (const spec of policy.specs)
            if (
              spec.endpointSelector &&
              (spec[direction].length > 0 || spec.defaultDeny[direction]) &&
              this.matches(spec.endpointSelector, pods)
            )
              list.push({ policy, spec });
      if (pods.index >= 0) cache.set(pods.index, list);
    }
    return list;
  }

  /**
   * Deny rules first, whatever allows them ("Deny policies take precedence over allow policies,
   * regardless of whether they are a Cilium Network Policy, a Clusterwide Cilium Network Policy or even a
   * Kubernetes Network Policy", docs.cilium.io/en/latest/security/policy/deny/): returns what is still
   * undecided after the deny rules of `selected`.
   */
  deny(
    direction: Direction,
    selected: readonly Selected[],
    other: Endpoint,
    target: PodClass | null,
    undecided: ConnSet,
    trace?: Step[],
  ): ConnSet {
    let remaining = undecided;
    for (const { policy, spec } of selected)
      for (const rule of spec[direction]) {
        if (!rule.deny || remaining.isEmpty() || !this.peerMatches(rule, other)) continue;
        const conns = this.rulePorts(rule, target).intersect(remaining);
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
    return remaining;
  }

  /** What the allow rules of `selected` open towards `other`; an isolate step for a default-deny spec that opens nothing. */
  open(
    direction: Direction,
    selected: readonly Selected[],
    other: Endpoint,
    target: PodClass | null,
    remaining: ConnSet,
    trace?: Step[],
  ): ConnSet {
    let opened = ConnSet.NONE;
    for (const { policy, spec } of selected) {
      let any = false;
      for (const rule of spec[direction]) {
        if (rule.deny || !this.peerMatches(rule, other)) continue;
        const conns = this.rulePorts(rule, target);
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
    return opened;
  }

  private labels(pods: PodClass): Labels {
    let labels = this.labelCache.get(pods.index);
    if (!labels) {
      const out: Record<string, string> = { ...pods.labels, [CILIUM_NAMESPACE_LABEL]: pods.namespace };
      for (const [k, v] of Object.entries(pods.namespaceLabels)) out[`${CILIUM_NAMESPACE_LABELS_PREFIX}${k}`] = v;
      labels = out;
      this.labelCache.set(pods.index, labels);
    }
    return labels;
  }

  private matches(selector: LabelSelector, pods: PodClass): boolean {
    // Classes with index -1 (synthetic) are not cached.
    if (pods.index < 0) return matches(selector, this.labels(pods));
    return cachedMatch(this.selectorCache, selector, this.labels(pods), pods.index);
  }

  // Entities: docs.cilium.io/en/latest/security/policy/language/#entities-based. world is outside the
  // cluster; cluster is every endpoint in it (host-networked pods carry the host or remote-node identity);
  // kube-apiserver, health, init, unmanaged and ingress name endpoints we do not model.
  private peerMatches(rule: CiliumRule, other: Endpoint): boolean {
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
    return rule.endpoints.some((s) => this.matches(s, pods));
  }

  /** The ports a Cilium rule covers towards `target` (the destination pod, whose named ports count). */
  private rulePorts(rule: CiliumRule, target: PodClass | null): ConnSet {
    if (rule.ports === null) return ConnSet.ALL;
    let byTarget = this.portsCache.get(rule);
    if (!byTarget) this.portsCache.set(rule, (byTarget = new Map()));
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
}
