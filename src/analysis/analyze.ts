// The facts of a pull request: base and head snapshots -> connectivity, exposure, their differences,
// the objects that caused them, and what each side allows (what the rules read). Judging them (risk
// findings) is the rules' step (rules/judge.ts). Pure: no I/O.
import type { Config } from "../config/schema.js";
import { forDataplane } from "./dataplane.js";
import { overlaps, parseCidr, subtractIntervals, type Family, type IpInterval } from "../core/ip.js";
import { ConnSet, PortSet } from "../core/port-set.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { locatedObjects } from "../model/objects.js";
import type { Cluster } from "../model/types.js";
import { NAMESPACE_NAME_LABEL } from "../core/labels.js";
import { type DiagramContext, diagramContext } from "./diagram-context.js";
import type { ConnectionChange } from "./diff.js";
import { diffExposures, type ExposureChange } from "./exposure-diff.js";
import type { BrokenRoute, Exposure } from "./exposure/index.js";
import { exposureOf } from "./exposure-of.js";
import { flowChecker, type FlowCheck } from "./declared-flows.js";
import { causeFinder, diffObjects, type ObjectChange } from "./object-diff.js";
import { PolicyEvaluator, type PodClass, type Step } from "./policy-eval.js";
import { type DenyRule, denyRules, type L7Restriction, l7Restrictions } from "./policy-facts.js";
import { defaultFamilies, podClasses, type Connectivity } from "./reach.js";
import { diffReach } from "./reach-diff.js";

export type ExposureFn = (
  cluster: Cluster,
  config: Config,
) => { exposures: Exposure[]; broken: BrokenRoute[]; diagnostics?: readonly Diagnostic[] };

/** One side as the rules read it. */
export interface SideFacts {
  readonly cluster: Cluster;
  readonly exposures: readonly Exposure[];
  readonly broken: readonly BrokenRoute[];
  /** Per workload id: whether NetworkPolicy isolates it for ingress / egress. */
  readonly isolation: ReadonlyMap<string, { ingress: boolean; egress: boolean }>;
  /** Workload ids that can reach cluster DNS (UDP 53). */
  readonly dnsReachable: ReadonlySet<string>;
  /** What this side allows of a flow from a workload (or the API server) to a workload. */
  readonly allows: FlowCheck;
  /** The CNI's and mesh's deny rules this side enforces (Cilium, Istio). */
  readonly denyRules: readonly DenyRule[];
  /** Allow rules this side restricts at L7 (not evaluated, kept). */
  readonly l7Restrictions: readonly L7Restriction[];
  /**
   * What each side allows on its own: the source's egress and the destination's ingress, and the part
   * of each that a rule naming its peers allows (not a rule open to every peer, nor the default).
   */
  sides?(
    from: string,
    to: string,
  ): { egress: ConnSet; ingress: ConnSet; egressNamed: ConnSet; ingressNamed: ConnSet } | undefined;
}

export interface DiffFacts {
  readonly connections: readonly (ConnectionChange & { causes: readonly ObjectChange[] })[];
  readonly exposures: readonly ExposureChange[];
  readonly objects: readonly ObjectChange[];
  readonly workloads: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly diagnostics: { readonly base: readonly Diagnostic[]; readonly head: readonly Diagnostic[] };
  readonly notes: readonly string[];
  readonly stats: { readonly base: SideStats; readonly head: SideStats };
  /** The snapshots' own connectivity, for renderers that draw context. */
  readonly connectivity: { readonly base: Connectivity; readonly head: Connectivity };
  readonly exposure: { readonly base: readonly Exposure[]; readonly head: readonly Exposure[] };
  /** The unchanged neighbours that explain the change, for the diagram (budgeted). */
  readonly context: DiagramContext;
}

/** What the rules read besides the changes. */
export interface RuleInputs {
  /** Each side as the rules read it. */
  readonly sides: { readonly base: SideFacts; readonly head: SideFacts };
  /** True when the addresses include public ones outside the trusted CIDRs. */
  isInternet(addresses: readonly IpInterval[]): boolean;
  /** The public part of the addresses (outside private, shared and trusted ranges). */
  publicAddresses(addresses: readonly IpInterval[]): IpInterval[];
  /** File and line of an object: head's definition, or base's when it was removed. */
  locate(id: string): { file: string; line: number } | undefined;
}

export interface SideStats {
  readonly workloads: number;
  readonly services: number;
  readonly networkPolicies: number;
  readonly adminPolicies: number;
  readonly classes: number;
}

// Addresses that are not "the internet": private, shared, loopback, link-local, unique-local.
const NON_PUBLIC = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "0.0.0.0/8",
  "fc00::/7",
  "fe80::/10",
  "::1/128",
].map(parseCidr);

/** Without enforcement every policy is a no-op: analyse the snapshot as if it had none. */
function withoutPolicies(cluster: Cluster): Cluster {
  // The mesh's policies are enforced by its proxies, whatever the CNI does: they stay.
  return {
    ...cluster,
    networkPolicies: [],
    adminPolicies: [],
    ciliumPolicies: [],
    calicoPolicies: [],
    calicoTiers: [],
  };
}

const KUBE_DNS: PodClass = {
  index: -1,
  namespace: "kube-system",
  namespaceLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" },
  labels: { "k8s-app": "kube-dns" },
  ports: [
    { name: "dns", containerPort: 53, protocol: "UDP" },
    { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
  ],
  hostNetwork: false,
  members: [],
};
const DNS = ConnSet.ports("UDP", PortSet.range(53));

function side(cluster: Cluster, exposure: ReturnType<ExposureFn>, families: readonly Family[]): SideFacts {
  const evaluator = new PolicyEvaluator(cluster);
  const classes = podClasses(cluster);
  const classOf = new Map<string, PodClass>();
  for (const c of classes) for (const w of c.members) classOf.set(w.id, c);
  const isolation = new Map<string, { ingress: boolean; egress: boolean }>();
  const dnsReachable = new Set<string>();
  for (const c of classes) {
    const state = {
      ingress: evaluator.isolated(c, "ingress"),
      egress: evaluator.isolated(c, "egress"),
    };
    const dns = !evaluator.evaluate("egress", c, { type: "pods", pods: KUBE_DNS }).intersect(DNS).isEmpty();
    for (const w of c.members) {
      isolation.set(w.id, state);
      if (dns) dnsReachable.add(w.id);
    }
  }
  return {
    cluster,
    exposures: exposure.exposures,
    broken: exposure.broken,
    isolation,
    dnsReachable,
    allows: flowChecker(cluster, evaluator, classOf, families),
    denyRules: denyRules(cluster),
    l7Restrictions: l7Restrictions(cluster),
    sides(from, to) {
      const a = classOf.get(from);
      const b = classOf.get(to);
      if (!a || !b) return undefined;
      const named = (steps: Step[]) =>
        steps
          .filter(
            (s) =>
              ((s.tier === "networkpolicy" || s.tier === "cilium" || s.tier === "calico" || s.tier === "istio") &&
                s.namesPeers) ||
              s.tier === "admin" ||
              s.tier === "baseline",
          )
          .reduce((acc, s) => (s.verdict === "allow" ? acc.union(s.conns) : acc), ConnSet.NONE);
      const egressSteps: Step[] = [];
      const ingressSteps: Step[] = [];
      const egress = evaluator.evaluate("egress", a, { type: "pods", pods: b }, egressSteps);
      const ingress = evaluator.evaluate("ingress", b, { type: "pods", pods: a }, ingressSteps);
      return {
        egress,
        ingress,
        egressNamed: egress.intersect(named(egressSteps)),
        ingressNamed: ingress.intersect(named(ingressSteps)),
      };
    },
  };
}

export function analyzeDiff(
  baseIn: Cluster,
  headIn: Cluster,
  config: Config,
  exposureFn: ExposureFn = exposureOf,
): { readonly facts: DiffFacts; readonly inputs: RuleInputs } {
  const enforced = config["enforces-network-policy"];
  const base = forDataplane(enforced ? baseIn : withoutPolicies(baseIn), config.network);
  const head = forDataplane(enforced ? headIn : withoutPolicies(headIn), config.network);
  const families = [...new Set([...defaultFamilies(base), ...defaultFamilies(head)])].sort();
  // Only what the change touches is evaluated; each side's full connectivity is computed when read.
  const reach = diffReach(base, head, families);
  const baseExp = exposureFn(base, config);
  const headExp = exposureFn(head, config);
  const objects = diffObjects(baseIn, headIn);
  const causes = causeFinder(objects, base, head);
  const connections = reach.connections.map((c) => ({ ...c, causes: causes(c.from, c.to) }));
  const exposures = diffExposures(baseExp.exposures, headExp.exposures);

  const trusted = config["trusted-cidrs"].map(parseCidr);
  const excluded = [...NON_PUBLIC, ...trusted];
  const publicAddresses = (addresses: readonly IpInterval[]) =>
    addresses.flatMap((a) =>
      subtractIntervals(
        a,
        excluded.filter((n) => overlaps(n, a)),
      ),
    );
  // Public sources are "the internet" when they hold at least as many addresses as a /internet-min-prefix.
  const INTERNET_SIZE = {
    4: 2n ** BigInt(32 - config.exposure["internet-min-prefix"]),
    6: 2n ** BigInt(128 - config.exposure["internet-min-prefix-v6"]),
  };
  const locations = new Map<string, { file: string; line: number }>();
  for (const c of [base, head])
    for (const o of locatedObjects(c)) locations.set(o.id, { file: o.source.file, line: o.source.line });
  const baseIds = new Set(base.workloads.map((w) => w.id));
  const headIds = new Set(head.workloads.map((w) => w.id));
  const notes: string[] = [];
  if (!enforced)
    notes.push(
      "The configuration says this cluster does not enforce NetworkPolicy: policies are ignored, every pod can reach every other.",
    );
  const stats = (c: Cluster, conn: Connectivity): SideStats => ({
    workloads: c.workloads.length,
    services: c.services.length,
    networkPolicies: c.networkPolicies.length,
    adminPolicies: c.adminPolicies.length,
    classes: conn.classes,
  });
  const facts: DiffFacts = {
    connections,
    exposures,
    objects,
    workloads: {
      added: [...headIds].filter((id) => !baseIds.has(id)).sort(),
      removed: [...baseIds].filter((id) => !headIds.has(id)).sort(),
    },
    diagnostics: {
      base: [...baseIn.diagnostics, ...(baseExp.diagnostics ?? [])],
      head: [...headIn.diagnostics, ...(headExp.diagnostics ?? [])],
    },
    notes,
    stats: { base: stats(base, reach.connectivity.base), head: stats(head, reach.connectivity.head) },
    connectivity: reach.connectivity,
    exposure: { base: baseExp.exposures, head: headExp.exposures },
    context: diagramContext(
      { connections, exposures },
      { connectivity: reach.connectivity.head, exposures: headExp.exposures },
    ),
  };
  return {
    facts,
    inputs: {
      sides: { base: side(base, baseExp, families), head: side(head, headExp, families) },
      publicAddresses,
      isInternet: (addresses) =>
        publicAddresses(addresses).some((iv) => iv.hi - iv.lo + 1n >= INTERNET_SIZE[iv.family]),
      locate: (id) => locations.get(id),
    },
  };
}
