// One file: Calico's tiered evaluation, because a tier's order, its policies and the end of tier are one decision.
// Calico's tiered evaluation of one direction of one connection, for a cluster whose CNI is Calico
// (analysis/dataplane.ts). Semantics from docs.tigera.io/calico/latest/reference/resources/tier ("How policy
// is evaluated") and network-policy/policy-tiers/tiered-policy:
// - tiers in ascending `order` (a tier without one last; the default tier at 1,000,000, the Kubernetes admin
//   tier at 1,000 and the baseline tier at 10,000,000, which the policy evaluator runs itself);
// - a tier takes part only when one of its policies applies to the endpoint in this direction (selector,
//   namespace, service account, `types`);
// - its policies in ascending `order` (none: last), then name; Kubernetes NetworkPolicies are policies of the
//   default tier at order 1000 whose rules all Allow;
// - rules in order: the first whose match holds decides (Allow, Deny; Pass skips the tier's remaining
//   policies; Log records and goes on);
// - traffic the tier selected but no rule decided gets the tier's defaultAction: Deny (the end-of-tier drop),
//   or Pass to the next tier;
// - after the last tier, the namespace's profile allows (Kubernetes namespaces' profiles allow everything).
import { containsInterval, type IpInterval, overlaps, universe } from "../../core/ip.js";
import { calicoMatches } from "../../core/calico-selector.js";
import type { Labels } from "../../core/label-selector.js";
import { ConnSet, PortSet, PROTOCOLS, type Protocol } from "../../core/port-set.js";
import {
  CALICO_NAME_LABEL,
  CALICO_NAMESPACE_LABEL,
  CALICO_ORCHESTRATOR_LABEL,
  CALICO_SERVICE_ACCOUNT_LABEL,
  type CalicoEntity,
  type CalicoPolicy,
  type CalicoPort,
  type CalicoRule,
  type CalicoSelectorField,
  calicoRuleName,
  DEFAULT_TIER,
  DEFAULT_TIER_ORDER,
  K8S_NETWORK_POLICY_ORDER,
} from "../../model/kinds/calico-policy.js";
import type { Cluster, NetworkPolicy } from "../../model/types.js";
import type { Direction, Endpoint, PodClass, Step } from "../policy-eval.js";
import { allowStep, isolateStep } from "./network-policy.js";

/** Where the Kubernetes admin and baseline tiers sit among Calico's tiers (tiered-policy: kube-admin, kube-baseline). */
const ADMIN_TIER_ORDER = 1000;
const BASELINE_TIER_ORDER = 10_000_000;

const IPV4_ALL = universe(4);

type TierItem =
  | { readonly type: "calico"; readonly policy: CalicoPolicy; readonly order?: number; readonly name: string }
  | { readonly type: "k8s"; readonly policy: NetworkPolicy; readonly order: number; readonly name: string };

interface Tier {
  readonly name: string;
  readonly order?: number;
  readonly defaultAction: "Deny" | "Pass";
  readonly file?: string;
  readonly line?: number;
  readonly items: readonly TierItem[];
}

/** How an end-of-tier step's rule starts (explain words it apart). */
export const END_OF_TIER = "end of tier";

/** Which tiers run where the policy evaluator calls: before the admin tier, between it and baseline, after. */
export type TierGroup = "before-admin" | "before-baseline" | "after-baseline";

/** What the Kubernetes NetworkPolicy evaluation offers the default tier (policy-eval's own matching). */
export interface K8sPolicies {
  selecting(pods: PodClass, direction: Direction): readonly NetworkPolicy[];
  ruleMatches(np: NetworkPolicy, rule: NetworkPolicy["ingress"][number], other: Endpoint): boolean;
  rulePorts(rule: NetworkPolicy["ingress"][number], target: PodClass | null): ConnSet;
}

/** The state of one direction's decision, shared with the policy evaluator's own tiers. */
export interface Decision {
  remaining: ConnSet;
  allowed: ConnSet;
}

const byOrder = (a: { order?: number; name: string }, b: { order?: number; name: string }) =>
  compareOrder(a.order, b.order) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Ascending order; no order is last (Calico: "no value indicates highest order"). */
function compareOrder(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}

function groupOf(order: number | undefined): TierGroup {
  if (order !== undefined && order < ADMIN_TIER_ORDER) return "before-admin";
  if (order !== undefined && order < BASELINE_TIER_ORDER) return "before-baseline";
  return "after-baseline";
}

export class CalicoTiers {
  private readonly groups: Record<TierGroup, Tier[]> = {
    "before-admin": [],
    "before-baseline": [],
    "after-baseline": [],
  };
  private readonly labelCache = new Map<number, Labels>();
  // Per kind of labels, selector text -> class index -> whether it matches (equal selectors share answers).
  private readonly matchCache: Record<"pod" | "ns" | "sa", Map<string, Map<number, boolean>>> = {
    pod: new Map(),
    ns: new Map(),
    sa: new Map(),
  };
  private readonly portsCache = new WeakMap<CalicoRule, Map<PodClass | null, ConnSet>>();

  constructor(
    cluster: Cluster,
    private readonly k8s: K8sPolicies,
  ) {
    const tierObjects = new Map((cluster.calicoTiers ?? []).map((t) => [t.name, t]));
    const items = new Map<string, TierItem[]>([[DEFAULT_TIER, []]]);
    for (const policy of cluster.calicoPolicies ?? []) {
      if (!policy.appliesToPods) continue;
      const list = items.get(policy.tier) ?? [];
      list.push({ type: "calico", policy, order: policy.order, name: policy.name });
      items.set(policy.tier, list);
    }
    // Calico names a Kubernetes NetworkPolicy knp.default.<name> and gives it order 1000.
    for (const np of cluster.networkPolicies)
      items
        .get(DEFAULT_TIER)!
        .push({ type: "k8s", policy: np, order: K8S_NETWORK_POLICY_ORDER, name: `knp.default.${np.name}` });
    const tiers: Tier[] = [...items.entries()].map(([name, list]) => {
      const object = tierObjects.get(name);
      return {
        name,
        order: object ? object.order : name === DEFAULT_TIER ? DEFAULT_TIER_ORDER : undefined,
        defaultAction: object?.defaultAction ?? "Deny",
        ...(object ? { file: object.source.file, line: object.source.line } : {}),
        items: [...list].sort(byOrder),
      };
    });
    for (const tier of tiers.sort(byOrder)) this.groups[groupOf(tier.order)].push(tier);
  }

  /** The labels Calico gives a pod's workload endpoint: its own and the automatic ones (calico-labels). */
  private labels(pods: PodClass): Labels {
    let labels = this.labelCache.get(pods.index);
    if (!labels) {
      labels = {
        ...pods.labels,
        [CALICO_NAMESPACE_LABEL]: pods.namespace,
        [CALICO_ORCHESTRATOR_LABEL]: "k8s",
        ...(pods.serviceAccount ? { [CALICO_SERVICE_ACCOUNT_LABEL]: pods.serviceAccount } : {}),
      };
      if (pods.index >= 0) this.labelCache.set(pods.index, labels);
    }
    return labels;
  }

  private cached(field: CalicoSelectorField, kind: "pod" | "ns" | "sa", pods: PodClass, labels: () => Labels) {
    if (pods.index < 0) return calicoMatches(field.selector, labels());
    const cache = this.matchCache[kind];
    let byClass = cache.get(field.text);
    if (!byClass) cache.set(field.text, (byClass = new Map()));
    let hit = byClass.get(pods.index);
    if (hit === undefined) byClass.set(pods.index, (hit = calicoMatches(field.selector, labels())));
    return hit;
  }

  private podMatches(field: CalicoSelectorField, pods: PodClass): boolean {
    return this.cached(field, "pod", pods, () => this.labels(pods));
  }

  // A namespace's labels as Calico sees them: its own plus projectcalico.org/name.
  private namespaceMatches(field: CalicoSelectorField, pods: PodClass): boolean {
    return this.cached(field, "ns", pods, () => ({ ...pods.namespaceLabels, [CALICO_NAME_LABEL]: pods.namespace }));
  }

  // A service account's labels: only projectcalico.org/name (ServiceAccount objects are not read).
  private serviceAccountMatches(field: CalicoSelectorField, pods: PodClass): boolean {
    return this.cached(field, "sa", pods, () => ({ [CALICO_NAME_LABEL]: pods.serviceAccount ?? "default" }));
  }

  private applies(policy: CalicoPolicy, pods: PodClass, direction: Direction): boolean {
    if (pods.hostNetwork || !policy.types[direction]) return false;
    if (policy.namespace !== undefined && policy.namespace !== pods.namespace) return false;
    if (policy.namespaceSelector && !this.namespaceMatches(policy.namespaceSelector, pods)) return false;
    if (policy.serviceAccountSelector && !this.serviceAccountMatches(policy.serviceAccountSelector, pods)) return false;
    return this.podMatches(policy.selector, pods);
  }

  /**
   * Whether an endpoint is one a rule's source or destination names. Selectors name pods (network sets are
   * not read); nets name outside addresses, and pods only when a net holds the whole IPv4 space (pod addresses
   * are not known statically, as for the admin tier's networks).
   */
  private entityMatches(policy: CalicoPolicy, entity: CalicoEntity, end: Endpoint): boolean {
    // Whether the entity has a positive endpoint selector once Calico has scoped it: a selector, service
    // accounts or a namespaceSelector, or in a namespaced policy a notSelector too, which Calico pairs with
    // "the policy's namespace" (libcalico-go updateprocessors/rules.go: the rule's selector is namespaced when
    // a selector, notSelector or namespaceSelector is given). Such an entity names endpoints, not addresses.
    const namesPods = !!(
      entity.selector ||
      entity.namespaceSelector ||
      entity.serviceAccounts ||
      (entity.notSelector && policy.namespace !== undefined)
    );
    if (end.type === "ip") {
      if (namesPods) return false;
      const iv = end.interval;
      if (entity.nets && !entity.nets.some((n) => containsInterval(n, iv))) return false;
      if (entity.notNets?.some((n) => overlaps(n, iv))) return false;
      return true;
    }
    const pods = end.pods;
    const everyPod = (nets: readonly IpInterval[]) => nets.some((n) => containsInterval(n, IPV4_ALL));
    if (entity.nets && !everyPod(entity.nets)) return false;
    if (entity.notNets && everyPod(entity.notNets)) return false;
    if (pods.hostNetwork) return !namesPods && !entity.notSelector;
    // In a namespaced policy, a selector without namespaceSelector names pods of the policy's own namespace
    // (calico-labels: "resources in the same namespace as the network policy"); notSelector is not scoped.
    if (entity.namespaceSelector) {
      if (!this.namespaceMatches(entity.namespaceSelector, pods)) return false;
    } else if (namesPods && policy.namespace !== undefined && pods.namespace !== policy.namespace) return false;
    if (entity.selector && !this.podMatches(entity.selector, pods)) return false;
    if (entity.notSelector && this.podMatches(entity.notSelector, pods)) return false;
    const sa = entity.serviceAccounts;
    if (sa) {
      if (sa.names && !sa.names.includes(pods.serviceAccount ?? "default")) return false;
      if (sa.selector && !this.serviceAccountMatches(sa.selector, pods)) return false;
    }
    return true;
  }

  private portSet(ports: readonly CalicoPort[], protocol: Protocol, target: PodClass | null): PortSet {
    let out = PortSet.EMPTY;
    for (const p of ports)
      if (p.type === "numbers") out = out.union(PortSet.range(p.from, p.to));
      else if (target)
        for (const cp of target.ports)
          if (cp.name === p.name && cp.protocol === protocol) out = out.union(PortSet.range(cp.containerPort));
    return out;
  }

  /** The connections a rule covers towards `target` (the destination pod, whose named ports count). */
  rulePorts(rule: CalicoRule, target: PodClass | null): ConnSet {
    let byTarget = this.portsCache.get(rule);
    if (!byTarget) this.portsCache.set(rule, (byTarget = new Map()));
    const d = rule.destination;
    const named = [...(d.ports ?? []), ...(d.notPorts ?? [])].some((p) => p.type === "name");
    const key = named ? target : null;
    let out = byTarget.get(key);
    if (out) return out;
    out = ConnSet.NONE;
    for (const protocol of rule.protocols ?? PROTOCOLS) {
      if (rule.notProtocols.includes(protocol)) continue;
      let ports = d.ports ? this.portSet(d.ports, protocol, target) : PortSet.ALL;
      if (d.notPorts) ports = ports.subtract(this.portSet(d.notPorts, protocol, target));
      out = out.union(ConnSet.ports(protocol, ports));
    }
    byTarget.set(key, out);
    return out;
  }

  private ruleMatches(policy: CalicoPolicy, rule: CalicoRule, subject: PodClass, other: Endpoint): boolean {
    if (rule.unsupported.length) return false;
    // Pod-to-pod edges stand for IPv4 traffic; an outside address has its own family.
    const family = other.type === "ip" ? other.interval.family : 4;
    if (rule.ipVersion !== undefined && rule.ipVersion !== family) return false;
    const self: Endpoint = { type: "pods", pods: subject };
    const [src, dst] = rule.direction === "ingress" ? [other, self] : [self, other];
    return this.entityMatches(policy, rule.source, src) && this.entityMatches(policy, rule.destination, dst);
  }

  /**
   * Whether a tier that ends in Deny applies to the pods in this direction: what none of its rules allows is
   * dropped, as a NetworkPolicy isolates the pods it selects.
   */
  isolates(pods: PodClass, direction: Direction): boolean {
    for (const group of Object.values(this.groups))
      for (const tier of group)
        if (tier.defaultAction === "Deny" && this.applying(tier, pods, direction).length > 0) return true;
    return false;
  }

  // The items of a tier that apply to a class in a direction, in the tier's order, kept per class: the
  // engine asks for every pair of classes, and most policies (other namespaces, other selectors) never apply.
  private readonly applyingCache = new Map<Tier, Record<Direction, Map<number, TierItem[]>>>();

  private applying(tier: Tier, pods: PodClass, direction: Direction): TierItem[] {
    let byDirection = this.applyingCache.get(tier);
    if (!byDirection) this.applyingCache.set(tier, (byDirection = { ingress: new Map(), egress: new Map() }));
    let list = pods.index >= 0 ? byDirection[direction].get(pods.index) : undefined;
    if (!list) {
      const selected = new Set(this.k8s.selecting(pods, direction));
      list = tier.items.filter((item) =>
        item.type === "k8s" ? selected.has(item.policy) : this.applies(item.policy, pods, direction),
      );
      if (pods.index >= 0) byDirection[direction].set(pods.index, list);
    }
    return list;
  }

  /** Whether any Calico tier of this group could take part (a cheap test before running them). */
  has(group: TierGroup): boolean {
    return this.groups[group].length > 0;
  }

  /** Run the tiers of one group, deciding part of `state.remaining`; steps are appended to `trace`. */
  run(
    group: TierGroup,
    direction: Direction,
    subject: PodClass,
    other: Endpoint,
    state: Decision,
    trace?: Step[],
  ): void {
    const target = direction === "ingress" ? subject : other.type === "pods" ? other.pods : null;
    for (const tier of this.groups[group]) {
      if (state.remaining.isEmpty()) return;
      const selecting: string[] = [];
      let passed = ConnSet.NONE;
      for (const item of this.applying(tier, subject, direction)) {
        if (item.type === "k8s") {
          const np = item.policy;
          selecting.push(np.id);
          let any = false;
          for (const rule of np[direction]) {
            if (!this.k8s.ruleMatches(np, rule, other)) continue;
            const ruleConns = this.k8s.rulePorts(rule, target);
            if (ruleConns.isEmpty()) continue;
            any = true;
            const conns = ruleConns.intersect(state.remaining);
            state.remaining = state.remaining.subtract(conns);
            state.allowed = state.allowed.union(conns);
            trace?.push(allowStep(np, rule, direction, conns));
          }
          if (!any) trace?.push(isolateStep(np, direction));
          continue;
        }
        const policy = item.policy;
        selecting.push(policy.id);
        for (const rule of policy[direction]) {
          if (state.remaining.isEmpty()) break;
          if (!this.ruleMatches(policy, rule, subject, other)) continue;
          const conns = this.rulePorts(rule, target).intersect(state.remaining);
          if (conns.isEmpty()) continue;
          if (rule.action !== "Log") {
            state.remaining = state.remaining.subtract(conns);
            if (rule.action === "Allow") state.allowed = state.allowed.union(conns);
            if (rule.action === "Pass") passed = passed.union(conns);
          }
          trace?.push({
            direction,
            tier: "calico",
            calicoTier: tier.name,
            verdict:
              rule.action === "Allow"
                ? "allow"
                : rule.action === "Deny"
                  ? "deny"
                  : rule.action === "Pass"
                    ? "pass"
                    : "log",
            conns,
            policy: policy.id,
            rule: calicoRuleName(rule),
            namesPeers: namesPeers(rule),
            file: policy.source.file,
            line: rule.line,
            ...(rule.l7.length ? { l7: rule.l7 } : {}),
          });
        }
      }
      if (!selecting.length) continue;
      if (!state.remaining.isEmpty()) {
        const first = (this.firstSource(tier, selecting) ?? {}) as { file?: string; line?: number };
        trace?.push({
          direction,
          tier: "calico",
          calicoTier: tier.name,
          verdict: tier.defaultAction === "Pass" ? "pass" : "deny",
          conns: state.remaining,
          // The policy named is the first that selects the pod: what blocks, for the exposure analysis.
          policy: selecting[0],
          rule: `${END_OF_TIER} ${tier.name} (selected by ${selecting.join(", ")})`,
          ...(first.file ? { file: first.file, line: first.line } : {}),
        });
        if (tier.defaultAction === "Pass") passed = passed.union(state.remaining);
      }
      state.remaining = passed;
    }
  }

  private firstSource(tier: Tier, selecting: readonly string[]): { file: string; line: number } | undefined {
    if (tier.file !== undefined) return { file: tier.file, line: tier.line ?? 0 };
    const item = tier.items.find((i) => i.policy.id === selecting[0]);
    return item && { file: item.policy.source.file, line: item.policy.source.line };
  }
}

/** Whether a rule names its peer (a selector, namespace, service account or nets) rather than every peer. */
function namesPeers(rule: CalicoRule): boolean {
  const peer = rule.direction === "ingress" ? rule.source : rule.destination;
  return !!(peer.selector || peer.namespaceSelector || peer.serviceAccounts || peer.nets);
}
