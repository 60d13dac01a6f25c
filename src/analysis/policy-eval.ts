// How one direction of one connection is decided, tier by tier, exactly as Kubernetes defines it:
// admin tier (AdminNetworkPolicy / ClusterNetworkPolicy Admin, by priority then rule order:
// Allow/Deny final, Pass hands over) -> NetworkPolicy (if any selects the pod in this direction:
// the union of its matching rules) -> baseline tier (BaselineAdminNetworkPolicy / ClusterNetworkPolicy
// Baseline) -> allowed.
// Each tier is a module of tiers/ (admin.ts for admin and baseline, cilium.ts, network-policy.ts);
// this one runs them in that order over what is still undecided. For ingress into a pod in the Istio
// mesh, Istio's PeerAuthentication and AuthorizationPolicy decide after that (tiers/istio.ts).
import type { IpInterval } from "../core/ip.js";
import type { Labels } from "../core/label-selector.js";
import { ConnSet } from "../core/port-set.js";
import type { Cluster, NetworkPolicy, Workload } from "../model/types.js";
import { AdminTier } from "./tiers/admin.js";
import type { MeshMode } from "../model/kinds/istio-policy.js";
import { CalicoTiers } from "./tiers/calico.js";
import { CiliumTier } from "./tiers/cilium.js";
import { IstioTier } from "./tiers/istio.js";
import { NetworkPolicyTier } from "./tiers/network-policy.js";
import { SelectorCache } from "./tiers/selectors.js";

export type Direction = "ingress" | "egress";

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
  /** The pods' service account (their Istio principal; Calico selects by it), when the cluster has Istio or Calico policies. */
  readonly serviceAccount?: string;
  /** How the pods are in the Istio mesh (model/kinds/istio-policy.ts meshModeOf); absent: not. */
  readonly mesh?: MeshMode;
}

/** Why part of a connection was allowed or denied: one policy rule (or a default). */
export interface Step {
  readonly direction: Direction;
  readonly tier: "admin" | "networkpolicy" | "cilium" | "calico" | "baseline" | "default" | "hostNetwork" | "istio";
  /**
   * restrict: an Istio rule that matches but decides only per request (L7, a condition, a CUSTOM authorizer);
   * log: a Calico Log rule, which records and decides nothing.
   */
  readonly verdict: "allow" | "deny" | "pass" | "isolate" | "restrict" | "log";
  /** For a Calico step: the Calico tier it is in. */
  readonly calicoTier?: string;
  readonly conns: ConnSet;
  readonly policy?: string;
  readonly rule?: string;
  /** For a NetworkPolicy rule: whether it names its peers (a `from`/`to` list) rather than admitting every peer. */
  readonly namesPeers?: boolean;
  readonly file?: string;
  readonly line?: number;
  /** A Cilium rule with L7 rules or toFQDNs, a Calico rule with http: allowed at L4, restricted at L7 (not evaluated). */
  readonly l7?: readonly string[];
  /** Why the step decided as it did, when that is not plain from the rule (Istio: mTLS, ztunnel's fail-safe). */
  readonly note?: string;
}

export class PolicyEvaluator {
  private readonly admin: AdminTier;
  private readonly cilium: CiliumTier;
  private readonly networkPolicies: NetworkPolicyTier;
  private readonly istio: IstioTier;
  /** Calico's tiers, when the cluster holds Calico policies (its CNI is Calico: analysis/dataplane.ts). */
  private readonly calico: CalicoTiers | null;

  constructor(readonly cluster: Cluster) {
    const selectors = new SelectorCache();
    this.admin = new AdminTier(cluster, selectors);
    this.cilium = new CiliumTier(cluster);
    this.networkPolicies = new NetworkPolicyTier(cluster, selectors);
    this.istio = new IstioTier(cluster);
    const networkPolicies = this.networkPolicies;
    this.calico =
      (cluster.calicoPolicies?.length ?? 0) > 0
        ? new CalicoTiers(cluster, {
            selecting: (pods, direction) => networkPolicies.selectingPolicies(pods, direction),
            ruleMatches: (np, rule, other) => networkPolicies.ruleMatches(np, rule, other),
            rulePorts: (rule, target) => networkPolicies.cachedRulePorts(rule, target),
          })
        : null;
  }

  /** NetworkPolicies that select these pods and have this direction in their policyTypes. */
  selectingPolicies(pods: PodClass, direction: Direction): NetworkPolicy[] {
    return this.networkPolicies.selectingPolicies(pods, direction);
  }

  /**
   * Whether the pods are isolated in this direction: a NetworkPolicy selects them, or (with Calico) a policy of
   * a tier that ends in Deny applies to them.
   */
  isolated(pods: PodClass, direction: Direction): boolean {
    return this.selectingPolicies(pods, direction).length > 0 || (this.calico?.isolates(pods, direction) ?? false);
  }

  /**
   * What `subject` allows in `direction` with `other` (for ingress: traffic from other into subject;
   * for egress: traffic from subject to other). Steps are appended to `trace` when given.
   */
  evaluate(direction: Direction, subject: PodClass, other: Endpoint, trace?: Step[]): ConnSet {
    const l4 = this.evaluateL4(direction, subject, other, trace);
    // Istio decides at the destination's proxy, after the CNI let the connection through.
    if (direction !== "ingress" || !this.istio.active || l4.isEmpty() || (subject.mesh ?? "none") === "none") return l4;
    return l4.intersect(this.istio.authorize(subject, other, trace));
  }

  private evaluateL4(direction: Direction, subject: PodClass, other: Endpoint, trace?: Step[]): ConnSet {
    if (subject.hostNetwork) {
      trace?.push({ direction, tier: "hostNetwork", verdict: "allow", conns: ConnSet.ALL });
      return ConnSet.ALL;
    }
    const target = direction === "ingress" ? subject : other.type === "pods" ? other.pods : null;
    if (this.calico) return this.evaluateCalico(this.calico, direction, subject, other, target, trace);
    let remaining = ConnSet.ALL;
    let allowed = ConnSet.NONE;

    if (this.admin.has("admin", direction)) {
      ({ allowed, remaining } = this.admin.run("admin", direction, subject, other, target, remaining, trace));
    }
    if (remaining.isEmpty()) return allowed;

    const cilium = this.cilium.specs(subject, direction);
    remaining = this.cilium.deny(direction, cilium, other, target, remaining, trace);
    if (remaining.isEmpty()) return allowed;

    const policies = this.selectingPolicies(subject, direction);
    // A pod is isolated when any policy selects it in this direction, a Kubernetes NetworkPolicy or a Cilium
    // policy with default deny ("Pods will enter default-deny mode as soon a single policy selects it");
    // then what is allowed is the union of the allow rules of both.
    if (policies.length > 0 || cilium.some(({ spec }) => spec.defaultDeny[direction])) {
      const opened = this.cilium
        .open(direction, cilium, other, target, remaining, trace)
        .union(this.networkPolicies.open(direction, policies, other, target, remaining, trace));
      return allowed.union(remaining.intersect(opened));
    }

    if (this.admin.has("baseline", direction)) {
      const baseline = this.admin.run("baseline", direction, subject, other, target, remaining, trace);
      allowed = allowed.union(baseline.allowed);
      remaining = baseline.remaining;
    }
    if (!remaining.isEmpty()) trace?.push({ direction, tier: "default", verdict: "allow", conns: remaining });
    return allowed.union(remaining);
  }

  /**
   * The Calico dataplane's order (tiers/calico.ts): Calico tiers ordered before the Kubernetes admin tier
   * (order < 1000), the admin tier, the Calico tiers up to the baseline tier (among them the default tier with
   * the Kubernetes NetworkPolicies), the baseline tier, the tiers after it, then the profile's allow.
   */
  private evaluateCalico(
    calico: CalicoTiers,
    direction: Direction,
    subject: PodClass,
    other: Endpoint,
    target: PodClass | null,
    trace?: Step[],
  ): ConnSet {
    const state = { remaining: ConnSet.ALL, allowed: ConnSet.NONE };
    const runAdmin = (tier: "admin" | "baseline") => {
      if (state.remaining.isEmpty() || !this.admin.has(tier, direction)) return;
      const out = this.admin.run(tier, direction, subject, other, target, state.remaining, trace);
      state.allowed = state.allowed.union(out.allowed);
      state.remaining = out.remaining;
    };
    calico.run("before-admin", direction, subject, other, state, trace);
    runAdmin("admin");
    calico.run("before-baseline", direction, subject, other, state, trace);
    runAdmin("baseline");
    calico.run("after-baseline", direction, subject, other, state, trace);
    if (!state.remaining.isEmpty())
      trace?.push({ direction, tier: "default", verdict: "allow", conns: state.remaining });
    return state.allowed.union(state.remaining);
  }
}
