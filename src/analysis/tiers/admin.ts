// The admin and baseline tiers: AdminNetworkPolicy / ClusterNetworkPolicy Admin, then (after
// NetworkPolicy) BaselineAdminNetworkPolicy / ClusterNetworkPolicy Baseline. Rules by priority then
// rule order: Allow and Deny are final, Pass hands the connection over to the next tier.
import { containsInterval, universe } from "../../core/ip.js";
import { ConnSet, PortSet } from "../../core/port-set.js";
import type { AdminPeer, AdminPolicy, AdminPort, AdminRule, Cluster } from "../../model/types.js";
import type { Direction, Endpoint, PodClass, Step } from "../policy-eval.js";
import type { SelectorCache } from "./selectors.js";

const IPV4_ALL = universe(4);

export type AdminTierName = "admin" | "baseline";

interface RankedRule {
  readonly policy: AdminPolicy;
  readonly rule: AdminRule;
}

export class AdminTier {
  private readonly rules: Record<AdminTierName, Record<Direction, RankedRule[]>>;

  constructor(
    cluster: Cluster,
    private readonly selectors: SelectorCache,
  ) {
    const ranked = (tier: AdminTierName, direction: Direction): RankedRule[] =>
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
    this.rules = {
      admin: { ingress: ranked("admin", "ingress"), egress: ranked("admin", "egress") },
      baseline: { ingress: ranked("baseline", "ingress"), egress: ranked("baseline", "egress") },
    };
  }

  /** Whether the tier has any rule in this direction. */
  has(tier: AdminTierName, direction: Direction): boolean {
    return this.rules[tier][direction].length > 0;
  }

  /**
   * Runs one tier over what is still undecided (`remaining`): returns what it allowed and what is
   * still undecided after it (what no rule matched, and what a Pass rule handed over).
   */
  run(
    tier: AdminTierName,
    direction: Direction,
    subject: PodClass,
    other: Endpoint,
    target: PodClass | null,
    undecided: ConnSet,
    trace?: Step[],
  ): { allowed: ConnSet; remaining: ConnSet } {
    let remaining = undecided;
    let allowed = ConnSet.NONE;
    let passed = ConnSet.NONE;
    for (const { policy, rule } of this.rules[tier][direction]) {
      if (remaining.isEmpty()) break;
      if (!this.subjectMatches(policy, subject)) continue;
      if (!rule.peers.some((peer) => this.peerMatches(peer, rule.action, other))) continue;
      const conns = rulePorts(rule.ports, target).intersect(remaining);
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
    return { allowed, remaining: remaining.union(passed) };
  }

  private subjectMatches(policy: AdminPolicy, pods: PodClass): boolean {
    if (pods.hostNetwork) return false;
    return (
      this.selectors.namespaceMatches(policy.subject.namespaceSelector, pods) &&
      (policy.subject.podSelector === null || this.selectors.podMatches(policy.subject.podSelector, pods))
    );
  }

  private peerMatches(peer: AdminPeer, action: AdminRule["action"], other: Endpoint): boolean {
    switch (peer.type) {
      case "pods":
        if (other.type !== "pods" || other.pods.hostNetwork) return false;
        return (
          this.selectors.namespaceMatches(peer.namespaceSelector, other.pods) &&
          (peer.podSelector === null || this.selectors.podMatches(peer.podSelector, other.pods))
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
}

function rulePorts(ports: readonly AdminPort[] | null, target: PodClass | null): ConnSet {
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
