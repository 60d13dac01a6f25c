// Whether the traffic of an entry survives the policies of the pod it reaches: asked of the policy
// evaluator (admin tier, NetworkPolicy, baseline) for the pods or addresses the packets come from.
import { calicoBlocks } from "../../model/kinds/calico-policy.js";
import { ciliumBlocks } from "../../model/kinds/cilium-policy.js";
import { istioBlocks } from "../../model/kinds/istio-policy.js";
import {
  atomize,
  CidrError,
  compareIntervals,
  containsInterval,
  intervalToCidrs,
  parseCidr,
  type Family,
  type IpInterval,
} from "../../core/ip.js";
import type { ConnSet, Protocol } from "../../core/port-set.js";
import type { Cluster } from "../../model/types.js";
import { PolicyEvaluator, type Direction, type Endpoint, type PodClass, type Step } from "../policy-eval.js";
import { defaultFamilies } from "../reach.js";
import type { Target } from "./targets.js";

/** Where the packets that reach the pod come from. */
export type Origin =
  /** Proxy pods (ingress controller, Gateway data plane, router); `synthetic` when not in the manifests. */
  | { readonly type: "pods"; readonly classes: readonly PodClass[]; readonly synthetic: boolean; readonly what: string }
  /** The clients themselves (externalTrafficPolicy Local): these addresses. */
  | { readonly type: "clients"; readonly cidrs: readonly string[] }
  /** Addresses we cannot know: node addresses after SNAT, or a cloud load balancer's own addresses. */
  | { readonly type: "unknown-addresses"; readonly what: string };

export interface Verdict {
  /** The policy that stops the traffic, "unknown" when none can be named, null when it passes. */
  readonly blockedBy: string | null;
  /** The part of the client sources that passes, when policies admit only some of them. */
  readonly sources?: string[];
  readonly notes: string[];
}

function mergeIntervals(list: IpInterval[]): IpInterval[] {
  const sorted = [...list].sort(compareIntervals);
  const out: IpInterval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === iv.family && last.hi + 1n >= iv.lo)
      out[out.length - 1] = { ...last, hi: last.hi > iv.hi ? last.hi : iv.hi };
    else out.push(iv);
  }
  return out;
}

function parseSource(text: string): IpInterval[] {
  try {
    return [parseCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`)];
  } catch (e) {
    if (e instanceof CidrError) return [];
    throw e;
  }
}

export class Admission {
  readonly evaluator: PolicyEvaluator;
  private readonly families: Family[];
  /** Address blocks that can decide ingress of pods per namespace: its NetworkPolicies' ipBlocks and the admin tier's networks. */
  private readonly blocks = new Map<string, IpInterval[]>();
  private readonly adminBlocks: IpInterval[] = [];
  private readonly atomCache = new Map<string, IpInterval[]>();
  private readonly ipCache = new Map<string, ConnSet>();

  constructor(cluster: Cluster) {
    this.evaluator = new PolicyEvaluator(cluster);
    this.families = defaultFamilies(cluster);
    for (const np of cluster.networkPolicies) {
      let list = this.blocks.get(np.namespace);
      if (!list) this.blocks.set(np.namespace, (list = []));
      for (const rule of np.ingress)
        for (const peer of rule.peers ?? []) if (peer.type === "ipBlock") list.push(peer.cidr, ...peer.except);
    }
    for (const ap of cluster.adminPolicies)
      for (const rule of ap.ingress)
        for (const peer of rule.peers) if (peer.type === "networks") this.adminBlocks.push(...peer.blocks);
    // Cilium CIDR rules: cut everywhere (more cuts than needed only split runs that stay equal).
    for (const cp of cluster.ciliumPolicies ?? []) this.adminBlocks.push(...ciliumBlocks(cp));
    for (const cp of cluster.calicoPolicies ?? []) this.adminBlocks.push(...calicoBlocks(cp));
    for (const cp of cluster.calicoPolicies ?? []) this.adminBlocks.push(...calicoBlocks(cp));
    for (const ap of cluster.authorizationPolicies ?? []) this.adminBlocks.push(...istioBlocks(ap));
  }

  /** Whether traffic from `origin` reaches the target's pod port, and what that changes about the sources. */
  admit(t: Target, origin: Origin): Verdict {
    // NetworkPolicy selects pods by their pod network identity; a hostNetwork pod has none of its own.
    if (t.cls.hostNetwork)
      return { blockedBy: null, notes: [`${t.workload.id} uses hostNetwork: NetworkPolicy does not apply to it`] };
    const has = (c: ConnSet) => c.get(t.protocol).has(t.port);
    if (origin.type === "pods") {
      let block: { id: string; notes: string[] } | null = null;
      const notes: string[] = [];
      for (const src of origin.classes) {
        if (!has(this.evaluator.evaluate("ingress", t.cls, { type: "pods", pods: src }))) {
          block ??= this.blocker("ingress", t.cls, { type: "pods", pods: src }, t.protocol, t.port);
          continue;
        }
        if (!has(this.evaluator.evaluate("egress", src, { type: "pods", pods: t.cls }))) {
          const b = this.blocker("egress", src, { type: "pods", pods: t.cls }, t.protocol, t.port);
          if (!origin.synthetic) {
            block ??= b;
            continue;
          }
          notes.push(
            `${b.id} restricts egress in ${src.namespace}: if ${origin.what} run there, it blocks this traffic`,
          );
        }
        return { blockedBy: null, notes };
      }
      return { blockedBy: block?.id ?? "unknown", notes: block?.notes ?? [] };
    }
    // Outside addresses: evaluate over the atoms of address space that the policies distinguish.
    const atoms = this.atoms(t.cls.namespace, origin.type === "clients" ? origin.cidrs : null);
    if (!atoms.length) return { blockedBy: null, notes: [] };
    const admitted = atoms.filter((a) => has(this.ipConns(t.cls, a)));
    if (!admitted.length) {
      const b = this.blocker("ingress", t.cls, { type: "ip", interval: atoms[0] }, t.protocol, t.port);
      return { blockedBy: b.id, notes: b.notes };
    }
    if (admitted.length === atoms.length) return { blockedBy: null, notes: [] };
    const allowed = mergeIntervals(admitted).flatMap(intervalToCidrs);
    if (origin.type === "clients")
      return {
        blockedBy: null,
        sources: allowed,
        notes: [`NetworkPolicy admits ${t.protocol} ${t.port} only from ${allowed.join(", ")} of the entry's sources`],
      };
    return {
      blockedBy: null,
      notes: [
        `NetworkPolicy admits ${t.protocol} ${t.port} only from ${allowed.join(", ")}: the traffic passes only if ${origin.what} fall in those ranges`,
      ],
    };
  }

  private ipConns(cls: PodClass, atom: IpInterval): ConnSet {
    const key = `${cls.index}\u0000${atom.family}:${atom.lo}-${atom.hi}`;
    let hit = this.ipCache.get(key);
    if (!hit) {
      hit = this.evaluator.evaluate("ingress", cls, { type: "ip", interval: atom });
      this.ipCache.set(key, hit);
    }
    return hit;
  }

  /** The policy that denies `port` in this direction: an admin-tier Deny, else a NetworkPolicy that isolates the pod. */
  private blocker(
    direction: Direction,
    subject: PodClass,
    other: Endpoint,
    protocol: Protocol,
    port: number,
  ): { id: string; notes: string[] } {
    const trace: Step[] = [];
    this.evaluator.evaluate(direction, subject, other, trace);
    const deny = trace.find(
      (s) =>
        (s.tier === "admin" ||
          s.tier === "baseline" ||
          s.tier === "cilium" ||
          s.tier === "calico" ||
          s.tier === "istio") &&
        s.verdict === "deny" &&
        s.conns.get(protocol).has(port),
    );
    if (deny?.policy) return { id: deny.policy, notes: [] };
    const isolating = [
      ...this.evaluator.selectingPolicies(subject, direction).map((p) => p.id),
      // Cilium policies that put the pod in default deny in this direction.
      ...trace.filter((s) => s.tier === "cilium" && s.verdict === "isolate" && s.policy).map((s) => s.policy!),
      // Istio ALLOW policies that apply to the pod and admit none of this traffic.
      ...trace.filter((s) => s.tier === "istio" && s.verdict === "isolate" && s.policy).map((s) => s.policy!),
    ].sort();
    if (isolating.length) {
      const who = subject.members[0]?.id ?? `pods in ${subject.namespace}`;
      return {
        id: isolating[0],
        notes: [
          `${direction} of ${who} is isolated by ${isolating.join(", ")}; no rule admits ${protocol} ${port} from this source`,
        ],
      };
    }
    return { id: "unknown", notes: [] };
  }

  /**
   * The address space (or the given client CIDRs) cut at every block that can decide ingress in this
   * namespace: within one atom every address is treated alike.
   */
  private atoms(namespace: string, cidrs: readonly string[] | null): IpInterval[] {
    const key = `${namespace}\u0000${cidrs?.join(",") ?? "*"}`;
    let atoms = this.atomCache.get(key);
    if (!atoms) {
      const region = cidrs ? cidrs.flatMap(parseSource) : [];
      const families = [...new Set([...this.families, ...region.map((r) => r.family)])].sort();
      atoms = atomize(families, [...(this.blocks.get(namespace) ?? []), ...this.adminBlocks, ...region]).filter(
        (a) => !cidrs || region.some((r) => containsInterval(r, a)),
      );
      this.atomCache.set(key, atoms);
    }
    return atoms;
  }
}
