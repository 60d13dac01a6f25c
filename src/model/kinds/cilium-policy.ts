// One file: Cilium's two policy kinds, because a kind is read in one module.
// cilium.io/v2 CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy, read into typed rules the policy
// evaluator applies (analysis/policy-eval.ts). Semantics from docs.cilium.io/en/latest/security/policy/
// (language, intro "Policy Enforcement Modes", deny) and the CRD reference (enableDefaultDeny).
import { containsInterval, type IpInterval } from "../../core/ip.js";
import { type LabelSelector, makeSelector, type Requirement } from "../../core/label-selector.js";
import { PROTOCOLS, type Protocol } from "../../core/port-set.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, isObj, optBool, optList, optObj, optString } from "../fields.js";
import type { Meta } from "./metadata.js";
import { cidrAt, selectorAt } from "./network-policy.js";

export const CILIUM_GROUP = "cilium.io";
export type CiliumKind = "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy";

/** The label Cilium gives every pod for its namespace (the `k8s:` source prefix stripped). */
export const CILIUM_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
/** Prefix of the labels Cilium copies from a pod's namespace onto the pod. */
export const CILIUM_NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";
/** A key no pod carries: selectors on label sources we do not model (reserved:, container:, ...) match no pod. */
const UNMODELLED_SOURCE_KEY = "reachdiff.invalid/unmodelled-label-source";

export const CILIUM_ENTITIES = [
  "world",
  "world-ipv4",
  "world-ipv6",
  "cluster",
  "host",
  "remote-node",
  "kube-apiserver",
  "all",
  "health",
  "init",
  "unmanaged",
  "ingress",
] as const;
export type CiliumEntity = (typeof CILIUM_ENTITIES)[number];

export interface CiliumCidr {
  readonly cidr: IpInterval;
  readonly except: readonly IpInterval[];
  readonly text: string;
}

/** A toPorts port: numbers (a range), or a container port name; protocol ANY is every protocol. */
export type CiliumPort =
  | { readonly type: "numbers"; readonly protocols: readonly Protocol[]; readonly from: number; readonly to: number }
  | { readonly type: "name"; readonly protocols: readonly Protocol[]; readonly name: string };

export interface CiliumRule {
  readonly direction: "ingress" | "egress";
  readonly deny: boolean;
  /** Position in its list (ingress, egress, ingressDeny or egressDeny). */
  readonly index: number;
  readonly line: number;
  /** Endpoint selectors, already scoped the way Cilium scopes them (the policy's namespace unless the selector names one). */
  readonly endpoints: readonly LabelSelector[];
  readonly entities: readonly CiliumEntity[];
  readonly cidrs: readonly CiliumCidr[];
  /** toFQDNs names (egress): the rule opens the addresses those names resolve to, which we cannot see. */
  readonly fqdns: readonly string[];
  /** Whether the rule names any L3 peer; a rule naming none applies to every peer on its ports (an L4-only rule). */
  readonly namesPeers: boolean;
  /** null: every port. */
  readonly ports: readonly CiliumPort[] | null;
  /** L7 rule kinds under toPorts (http, kafka, dns) and toFQDNs: allowed at L4, restricted at L7. */
  readonly l7: readonly string[];
  /** Peer fields we do not model (toServices, toGroups, fromRequires, ...): the rule matches nothing for them. */
  readonly unsupported: readonly string[];
}

/** One rule set (spec, or one of specs): a subject and its rules. */
export interface CiliumSpec {
  /** The line of its endpointSelector (or nodeSelector). */
  readonly line: number;
  /** null when the spec selects nodes (nodeSelector, a host policy), which we do not model. */
  readonly endpointSelector: LabelSelector | null;
  readonly ingress: readonly CiliumRule[];
  readonly egress: readonly CiliumRule[];
  readonly defaultDeny: { readonly ingress: boolean; readonly egress: boolean };
}

export interface CiliumPolicy {
  readonly id: string;
  readonly kind: CiliumKind;
  readonly name: string;
  /** undefined for CiliumClusterwideNetworkPolicy. */
  readonly namespace?: string;
  readonly source: Source;
  readonly specs: readonly CiliumSpec[];
}

function normalizeKey(key: string): string {
  const colon = key.indexOf(":");
  if (colon < 0) return key;
  const source = key.slice(0, colon);
  // k8s: and any: name the same Kubernetes labels; other sources (reserved:, container:, cidr:) are not pod labels.
  if (source === "k8s" || source === "any") return key.slice(colon + 1);
  return UNMODELLED_SOURCE_KEY;
}

/** A Cilium endpoint selector as a LabelSelector over Cilium's labels of a pod (see ciliumLabels). */
function readEndpointSelector(value: unknown, path: Path): LabelSelector {
  const raw = optObj(value, path) ?? {};
  const matchLabels = optObj(raw.matchLabels, [...path, "matchLabels"]);
  const matchExpressions = optList(raw.matchExpressions, [...path, "matchExpressions"]);
  const normalized = {
    ...(matchLabels
      ? { matchLabels: Object.fromEntries(Object.entries(matchLabels).map(([k, v]) => [normalizeKey(k), v])) }
      : {}),
    ...(matchExpressions
      ? {
          matchExpressions: matchExpressions.map((e) =>
            isObj(e) && typeof e.key === "string" ? { ...e, key: normalizeKey(e.key) } : e,
          ),
        }
      : {}),
  };
  return selectorAt(normalized, path);
}

const hasKey = (s: LabelSelector, key: string) => s.requirements.some((r) => r.key === key);
const hasKeyPrefix = (s: LabelSelector, prefix: string) => s.requirements.some((r) => r.key.startsWith(prefix));
const withRequirement = (s: LabelSelector, r: Requirement) => makeSelector([...s.requirements, r]);

/**
 * Scope a peer selector as Cilium does (pkg/k8s/apis/cilium.io/utils, getEndpointSelector): a selector that
 * names no namespace is limited to the policy's namespace, unless it selects by namespace labels; in a
 * clusterwide policy it is limited to pods of some namespace (Cilium-managed Kubernetes pods).
 */
function scopePeer(selector: LabelSelector, namespace: string | undefined): LabelSelector {
  if (hasKey(selector, CILIUM_NAMESPACE_LABEL)) return selector;
  if (namespace === undefined)
    return withRequirement(selector, { key: CILIUM_NAMESPACE_LABEL, operator: "Exists", values: [] });
  if (hasKeyPrefix(selector, CILIUM_NAMESPACE_LABELS_PREFIX)) return selector;
  return withRequirement(selector, { key: CILIUM_NAMESPACE_LABEL, operator: "In", values: [namespace] });
}

function readCidrs(
  rule: Record<string, unknown>,
  prefix: "from" | "to",
  path: Path,
  unsupported: string[],
): CiliumCidr[] {
  const out: CiliumCidr[] = [];
  const plainKey = `${prefix}CIDR`;
  for (const [i, c] of (optList(rule[plainKey], [...path, plainKey]) ?? []).entries()) {
    const cPath = [...path, plainKey, i];
    out.push({ cidr: cidrAt(c, cPath), except: [], text: String(c) });
  }
  const setKey = `${prefix}CIDRSet`;
  for (const [i, c] of (optList(rule[setKey], [...path, setKey]) ?? []).entries()) {
    const cPath = [...path, setKey, i];
    const entry = optObj(c, cPath);
    if (!entry) fail(cPath, "must be a mapping with cidr and optional except");
    if (entry.cidr === undefined) {
      // cidrGroupRef / cidrGroupSelector name CiliumCIDRGroup objects, which we do not read.
      const what = entry.cidrGroupRef !== undefined ? "cidrGroupRef" : "cidrGroupSelector";
      if (!unsupported.includes(what)) unsupported.push(what);
      continue;
    }
    const cidr = cidrAt(entry.cidr, [...cPath, "cidr"]);
    const exceptText = (optList(entry.except, [...cPath, "except"]) ?? []).map(String);
    const except = exceptText.map((e, j) => {
      const hole = cidrAt(e, [...cPath, "except", j]);
      if (!containsInterval(cidr, hole)) fail([...cPath, "except", j], `must lie within cidr ${String(entry.cidr)}`);
      return hole;
    });
    out.push({
      cidr,
      except,
      text: exceptText.length ? `${String(entry.cidr)} except ${exceptText.join(", ")}` : String(entry.cidr),
    });
  }
  return out;
}

function readProtocol(value: unknown, path: Path): readonly Protocol[] {
  const text = optString(value, path) ?? "ANY";
  const upper = text.toUpperCase();
  if (upper === "ANY") return PROTOCOLS;
  if ((PROTOCOLS as readonly string[]).includes(upper)) return [upper as Protocol];
  if (upper === "ICMP" || upper === "ICMPV6") return [];
  fail(path, `protocol ${JSON.stringify(text)} is not one of TCP, UDP, SCTP, ANY`);
}

function readPorts(value: unknown, path: Path, l7: string[]): CiliumPort[] | null {
  const list = optList(value, path);
  if (list === undefined || list.length === 0) return null;
  const out: CiliumPort[] = [];
  for (const [i, pr] of list.entries()) {
    const prPath = [...path, i];
    const portRule = optObj(pr, prPath);
    if (!portRule) fail(prPath, "must be a mapping with ports");
    const rules = optObj(portRule.rules, [...prPath, "rules"]);
    if (rules) for (const k of Object.keys(rules)) if (!l7.includes(k)) l7.push(k);
    const ports = optList(portRule.ports, [...prPath, "ports"]);
    if (!ports || ports.length === 0) {
      out.push({ type: "numbers", protocols: PROTOCOLS, from: 1, to: 65535 });
      continue;
    }
    for (const [j, p] of ports.entries()) {
      const pPath = [...prPath, "ports", j];
      const port = optObj(p, pPath);
      if (!port) fail(pPath, "must be a mapping with port and protocol");
      const protocols = readProtocol(port.protocol, [...pPath, "protocol"]);
      const raw = port.port === undefined || port.port === null ? "0" : String(port.port);
      if (/^\d+$/.test(raw)) {
        const n = Number(raw);
        if (n > 65535) fail([...pPath, "port"], `${raw} is not a port (0-65535)`);
        const end = port.endPort === undefined || port.endPort === null ? undefined : Number(port.endPort);
        if (end !== undefined && (!Number.isInteger(end) || end < n || end > 65535))
          fail([...pPath, "endPort"], `must be a port from ${raw} to 65535`);
        // Port 0 means every port (Cilium's PortProtocol: "If omitted or zero, any port").
        out.push(
          n === 0
            ? { type: "numbers", protocols, from: 1, to: 65535 }
            : { type: "numbers", protocols, from: n, to: end ?? n },
        );
      } else out.push({ type: "name", protocols, name: raw });
    }
  }
  return out;
}

const UNSUPPORTED_PEERS: Record<"from" | "to", readonly string[]> = {
  from: ["fromRequires", "fromGroups", "fromNodes", "icmps"],
  to: ["toRequires", "toGroups", "toNodes", "toServices", "icmps"],
};

function readRule(
  value: unknown,
  path: Path,
  direction: "ingress" | "egress",
  deny: boolean,
  index: number,
  namespace: string | undefined,
  source: Source,
): CiliumRule {
  const rule = optObj(value, path);
  if (!rule) fail(path, "must be a mapping");
  const prefix = direction === "ingress" ? "from" : "to";
  const endpointsKey = `${prefix}Endpoints`;
  const endpointList = optList(rule[endpointsKey], [...path, endpointsKey]);
  const endpoints = (endpointList ?? []).map((s, i) =>
    scopePeer(readEndpointSelector(s, [...path, endpointsKey, i]), namespace),
  );
  const entitiesKey = `${prefix}Entities`;
  const entities = (optList(rule[entitiesKey], [...path, entitiesKey]) ?? []).map((e, i) => {
    const text = optString(e, [...path, entitiesKey, i]);
    if (!text || !(CILIUM_ENTITIES as readonly string[]).includes(text))
      fail([...path, entitiesKey, i], `entity ${JSON.stringify(e)} is not one of ${CILIUM_ENTITIES.join(", ")}`);
    return text as CiliumEntity;
  });
  const unsupported = UNSUPPORTED_PEERS[prefix].filter((k) => rule[k] !== undefined && rule[k] !== null);
  const cidrs = readCidrs(rule, prefix, path, unsupported);
  const fqdns =
    direction === "egress" && !deny
      ? (optList(rule.toFQDNs, [...path, "toFQDNs"]) ?? []).map((f) =>
          isObj(f) ? String(f.matchName ?? f.matchPattern ?? "") : String(f),
        )
      : [];
  const l7: string[] = [];
  const ports = readPorts(rule.toPorts, [...path, "toPorts"], l7);
  if (fqdns.length) l7.push("toFQDNs");
  const namesPeers =
    endpointList !== undefined ||
    rule[entitiesKey] !== undefined ||
    cidrs.length > 0 ||
    rule[`${prefix}CIDR`] !== undefined ||
    rule[`${prefix}CIDRSet`] !== undefined ||
    fqdns.length > 0 ||
    unsupported.length > 0;
  return {
    direction,
    deny,
    index,
    line: source.lineOf(path),
    endpoints,
    entities,
    cidrs,
    fqdns,
    // A rule naming neither peers nor ports (`- {}`) opens nothing: Cilium's documented way to put an
    // endpoint in default deny (docs.cilium.io/en/latest/security/policy/intro, "Ingress/Egress Default Deny").
    namesPeers,
    ports: ports === null && !namesPeers ? [] : ports,
    l7,
    unsupported,
  };
}

function readSpec(value: unknown, path: Path, namespace: string | undefined, source: Source): CiliumSpec {
  const spec = optObj(value, path);
  if (!spec) fail(path, "must be a mapping with endpointSelector or nodeSelector");
  const hasEndpoints = spec.endpointSelector !== undefined && spec.endpointSelector !== null;
  const hasNodes = spec.nodeSelector !== undefined && spec.nodeSelector !== null;
  if (hasEndpoints === hasNodes) fail(path, "must have exactly one of endpointSelector and nodeSelector");
  let endpointSelector: LabelSelector | null = null;
  if (hasEndpoints) {
    const s = readEndpointSelector(spec.endpointSelector, [...path, "endpointSelector"]);
    // A CiliumNetworkPolicy selects only pods of its own namespace; a clusterwide one, pods of any namespace.
    endpointSelector =
      namespace === undefined
        ? s
        : withRequirement(s, { key: CILIUM_NAMESPACE_LABEL, operator: "In", values: [namespace] });
  }
  const list = (key: "ingress" | "egress" | "ingressDeny" | "egressDeny") => {
    const direction = key.startsWith("ingress") ? "ingress" : "egress";
    const deny = key.endsWith("Deny");
    return (optList(spec[key], [...path, key]) ?? []).map((r, i) =>
      readRule(r, [...path, key, i], direction, deny, i, namespace, source),
    );
  };
  const ingress = [...list("ingressDeny"), ...list("ingress")];
  const egress = [...list("egressDeny"), ...list("egress")];
  const enable = optObj(spec.enableDefaultDeny, [...path, "enableDefaultDeny"]);
  // enableDefaultDeny: "If not specified, the default is true for each traffic direction that has rules"
  // (ingress or ingressDeny; egress or egressDeny), per the CRD reference.
  const defaultDeny = {
    ingress: optBool(enable?.ingress, [...path, "enableDefaultDeny", "ingress"]) ?? ingress.length > 0,
    egress: optBool(enable?.egress, [...path, "enableDefaultDeny", "egress"]) ?? egress.length > 0,
  };
  return {
    line: source.lineOf([...path, hasNodes ? "nodeSelector" : "endpointSelector"]),
    endpointSelector,
    ingress,
    egress,
    defaultDeny,
  };
}

export function readCiliumPolicy(
  kind: CiliumKind,
  data: Record<string, unknown>,
  meta: Meta,
  namespace: string | undefined,
  source: Source,
): CiliumPolicy {
  const specs: CiliumSpec[] = [];
  if (data.spec !== undefined && data.spec !== null) specs.push(readSpec(data.spec, ["spec"], namespace, source));
  for (const [i, s] of (optList(data.specs, ["specs"]) ?? []).entries())
    specs.push(readSpec(s, ["specs", i], namespace, source));
  if (!specs.length) fail(["spec"], "is missing (a Cilium policy needs spec or specs)");
  return {
    id: namespace === undefined ? `${kind}/${meta.name}` : `${namespace}/${kind}/${meta.name}`,
    kind,
    name: meta.name,
    namespace,
    source,
    specs,
  };
}

/** A short name of a Cilium rule for explain: `ingressDeny[0]`, `egress[2]`. */
export function ciliumRuleName(rule: CiliumRule): string {
  return `${rule.direction}${rule.deny ? "Deny" : ""}[${rule.index}]`;
}

/** Every address block a Cilium policy names (CIDR and except), for cutting the address space into atoms. */
export function ciliumBlocks(policy: CiliumPolicy): IpInterval[] {
  return policy.specs.flatMap((spec) =>
    [...spec.ingress, ...spec.egress].flatMap((rule) => rule.cidrs.flatMap((c) => [c.cidr, ...c.except])),
  );
}
