// One file: Calico's policy kinds and Tier, because a kind is read in one module.
// Calico's own policies: NetworkPolicy and GlobalNetworkPolicy of projectcalico.org/v3 (the API server)
// and crd.projectcalico.org/v1 (the CRDs the datastore keeps), and Tier. Read into typed rules the policy
// evaluator applies (analysis/policy-eval.ts). Semantics from docs.tigera.io/calico/latest/reference/
// resources/{networkpolicy,globalnetworkpolicy,tier} and network-policy/policy-tiers/tiered-policy.
import {
  type CalicoSelector,
  CalicoSelectorError,
  calicoSelectorText,
  parseCalicoSelector,
} from "../../core/calico-selector.js";
import type { IpInterval } from "../../core/ip.js";
import { PROTOCOLS, type Protocol } from "../../core/port-set.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, optBool, optList, optObj, optString } from "../fields.js";
import type { Meta } from "./metadata.js";
import { cidrAt } from "./network-policy.js";

export const CALICO_GROUPS = ["projectcalico.org", "crd.projectcalico.org"] as const;
export type CalicoKind = "NetworkPolicy" | "GlobalNetworkPolicy";
/** How a Calico NetworkPolicy's id names its kind: `<namespace>/NetworkPolicy.projectcalico.org/<name>`. */
export const CALICO_NETWORK_POLICY = "NetworkPolicy.projectcalico.org";
export type CalicoAction = "Allow" | "Deny" | "Pass" | "Log";

/** The tier a policy without `tier` is in; Kubernetes NetworkPolicies are in it too, at order 1000. */
export const DEFAULT_TIER = "default";
/** The default tier's order (tiered-policy: "the default tier ... order 1,000,000"). */
export const DEFAULT_TIER_ORDER = 1_000_000;
/** Where Calico puts a Kubernetes NetworkPolicy: order 1000 in the default tier. */
export const K8S_NETWORK_POLICY_ORDER = 1000;

/** The labels Calico adds to every workload endpoint (docs: "Calico automatic labels"). */
export const CALICO_NAMESPACE_LABEL = "projectcalico.org/namespace";
export const CALICO_SERVICE_ACCOUNT_LABEL = "projectcalico.org/serviceaccount";
export const CALICO_ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";
/** The label Calico adds to namespaces and service accounts: their name. */
export const CALICO_NAME_LABEL = "projectcalico.org/name";

export interface CalicoSelectorField {
  readonly selector: CalicoSelector;
  /** Canonical text: the cache key and what explain shows. */
  readonly text: string;
}

export type CalicoPort =
  | { readonly type: "numbers"; readonly from: number; readonly to: number }
  | { readonly type: "name"; readonly name: string };

/** A rule's source or destination (Calico's EntityRule). Absent fields do not restrict. */
export interface CalicoEntity {
  readonly selector?: CalicoSelectorField;
  readonly notSelector?: CalicoSelectorField;
  readonly namespaceSelector?: CalicoSelectorField;
  readonly nets?: readonly IpInterval[];
  readonly notNets?: readonly IpInterval[];
  readonly ports?: readonly CalicoPort[];
  readonly notPorts?: readonly CalicoPort[];
  readonly serviceAccounts?: { readonly names?: readonly string[]; readonly selector?: CalicoSelectorField };
}

export interface CalicoRule {
  readonly direction: "ingress" | "egress";
  readonly index: number;
  readonly line: number;
  readonly action: CalicoAction;
  /** null: every protocol. ICMP and other protocols we do not carry are an empty list (the rule matches none of ours). */
  readonly protocols: readonly Protocol[] | null;
  readonly notProtocols: readonly Protocol[];
  readonly ipVersion?: 4 | 6;
  readonly source: CalicoEntity;
  readonly destination: CalicoEntity;
  /** `http` match (application layer policy): allowed at L4, restricted at L7. */
  readonly l7: readonly string[];
  /** Fields we do not model (source ports, services): the rule matches nothing when it has one. */
  readonly unsupported: readonly string[];
}

export interface CalicoPolicy {
  readonly id: string;
  readonly kind: CalicoKind;
  readonly name: string;
  /** undefined for GlobalNetworkPolicy. */
  readonly namespace?: string;
  readonly source: Source;
  readonly tier: string;
  /** undefined: after every ordered policy of its tier ("no value indicates highest order"). */
  readonly order?: number;
  readonly selector: CalicoSelectorField;
  /** GlobalNetworkPolicy only: the namespaces whose endpoints it selects. */
  readonly namespaceSelector?: CalicoSelectorField;
  readonly serviceAccountSelector?: CalicoSelectorField;
  readonly types: { readonly ingress: boolean; readonly egress: boolean };
  readonly ingress: readonly CalicoRule[];
  readonly egress: readonly CalicoRule[];
  /** preDNAT, doNotTrack, applyOnForward: host endpoint settings, reported as out of scope. */
  readonly hostOnly: readonly string[];
  /** preDNAT or doNotTrack: the policy applies to host endpoints only, never to pods. */
  readonly appliesToPods: boolean;
}

export interface CalicoTier {
  readonly id: string;
  readonly kind: "Tier";
  readonly name: string;
  readonly source: Source;
  /** undefined: after every ordered tier. */
  readonly order?: number;
  /** What happens to traffic the tier's policies select but none of their rules decides: Deny unless Pass. */
  readonly defaultAction: "Deny" | "Pass";
}

function selectorField(value: unknown, path: Path): CalicoSelectorField | undefined {
  const text = optString(value, path);
  if (text === undefined) return undefined;
  try {
    const selector = parseCalicoSelector(text);
    return { selector, text: calicoSelectorText(selector) };
  } catch (e) {
    if (e instanceof CalicoSelectorError) fail(path, `selector ${JSON.stringify(text)}: ${e.message}`);
    throw e;
  }
}

function readNumber(value: unknown, path: Path): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(path, `must be a number, found ${JSON.stringify(value)}`);
  return value;
}

const PROTOCOL_NUMBERS: Record<string, Protocol> = { "6": "TCP", "17": "UDP", "132": "SCTP" };
const OTHER_PROTOCOLS = new Set(["ICMP", "ICMPV6", "UDPLITE"]);

/** A Calico protocol (name or number): the protocols of ours it is, [] for one we do not carry. */
function readProtocol(value: unknown, path: Path): readonly Protocol[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 1 || value > 255)
      fail(path, `protocol number must be 1-255, found ${value}`);
    const p = PROTOCOL_NUMBERS[String(value)];
    return p ? [p] : [];
  }
  if (typeof value !== "string") fail(path, "must be a protocol name or number");
  const upper = value.toUpperCase();
  if ((PROTOCOLS as readonly string[]).includes(upper)) return [upper as Protocol];
  if (OTHER_PROTOCOLS.has(upper)) return [];
  if (/^\d+$/.test(value)) return readProtocol(Number(value), path);
  fail(path, `protocol ${JSON.stringify(value)} is not one of TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number`);
}

const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

function readPorts(value: unknown, path: Path): CalicoPort[] | undefined {
  const list = optList(value, path);
  if (list === undefined) return undefined;
  return list.map((p, i) => {
    const at = [...path, i];
    const text = typeof p === "number" ? String(p) : typeof p === "string" ? p.trim() : undefined;
    if (text === undefined) fail(at, "must be a port, a range 'from:to' or a port name");
    const range = /^(\d+)(?::(\d+))?$/.exec(text);
    if (range) {
      const from = Number(range[1]);
      const to = range[2] === undefined ? from : Number(range[2]);
      if (from < 0 || to > 65535 || from > to)
        fail(at, `${JSON.stringify(text)} is not a port or range within 0-65535`);
      // Port 0 is allowed by Calico's validation but no connection uses it.
      return { type: "numbers", from: Math.max(from, 1), to };
    }
    if (!PORT_NAME.test(text)) fail(at, `${JSON.stringify(text)} is not a port, a range 'from:to' or a port name`);
    return { type: "name", name: text };
  });
}

function readNets(value: unknown, path: Path): IpInterval[] | undefined {
  const list = optList(value, path);
  return list?.map((n, i) => cidrAt(n, [...path, i]));
}

function readEntity(value: unknown, path: Path, unsupported: string[], side: "source" | "destination"): CalicoEntity {
  const e = optObj(value, path);
  if (!e) return {};
  const sa = optObj(e.serviceAccounts, [...path, "serviceAccounts"]);
  const names = sa ? optList(sa.names, [...path, "serviceAccounts", "names"])?.map(String) : undefined;
  const saSelector = sa ? selectorField(sa.selector, [...path, "serviceAccounts", "selector"]) : undefined;
  const entity: CalicoEntity = {
    selector: selectorField(e.selector, [...path, "selector"]),
    notSelector: selectorField(e.notSelector, [...path, "notSelector"]),
    namespaceSelector: selectorField(e.namespaceSelector, [...path, "namespaceSelector"]),
    nets: readNets(e.nets, [...path, "nets"]),
    notNets: readNets(e.notNets, [...path, "notNets"]),
    ports: readPorts(e.ports, [...path, "ports"]),
    notPorts: readPorts(e.notPorts, [...path, "notPorts"]),
    ...(sa ? { serviceAccounts: { names, selector: saSelector } } : {}),
  };
  // The source port of a connection is an ephemeral port we cannot know; services name Service endpoints
  // (Calico's `services` match) we do not resolve.
  if (side === "source" && (entity.ports || entity.notPorts)) unsupported.push(`${side}.ports`);
  if (e.services !== undefined && e.services !== null) unsupported.push(`${side}.services`);
  return entity;
}

const ACTIONS: readonly CalicoAction[] = ["Allow", "Deny", "Pass", "Log"];

function readRule(
  value: unknown,
  path: Path,
  direction: "ingress" | "egress",
  index: number,
  source: Source,
): CalicoRule {
  const rule = optObj(value, path);
  if (!rule) fail(path, "must be a mapping with action");
  const actionText = optString(rule.action, [...path, "action"]);
  const action = ACTIONS.find((a) => a.toLowerCase() === actionText?.toLowerCase());
  if (!action) fail([...path, "action"], `must be one of ${ACTIONS.join(", ")}, found ${JSON.stringify(rule.action)}`);
  const protocols = readProtocol(rule.protocol, [...path, "protocol"]) ?? null;
  const notProtocols = readProtocol(rule.notProtocol, [...path, "notProtocol"]) ?? [];
  const ipVersion = rule.ipVersion === undefined || rule.ipVersion === null ? undefined : Number(rule.ipVersion);
  if (ipVersion !== undefined && ipVersion !== 4 && ipVersion !== 6) fail([...path, "ipVersion"], "must be 4 or 6");
  const unsupported: string[] = [];
  const src = readEntity(rule.source, [...path, "source"], unsupported, "source");
  const dst = readEntity(rule.destination, [...path, "destination"], unsupported, "destination");
  // Calico's validation: ports need a protocol that has ports ("ports ... only valid if protocol is TCP, UDP or SCTP").
  for (const [side, e] of [
    ["source", src],
    ["destination", dst],
  ] as const)
    if ((e.ports || e.notPorts) && (protocols === null || protocols.length === 0))
      fail([...path, "protocol"], `${side} ports need protocol TCP, UDP or SCTP`);
  const http = optObj(rule.http, [...path, "http"]);
  return {
    direction,
    index,
    line: source.lineOf(path),
    action,
    protocols,
    notProtocols,
    ...(ipVersion !== undefined ? { ipVersion: ipVersion as 4 | 6 } : {}),
    source: src,
    destination: dst,
    l7: http ? Object.keys(http).map((k) => `http.${k}`) : [],
    unsupported,
  };
}

export function readCalicoPolicy(
  kind: CalicoKind,
  data: Record<string, unknown>,
  meta: Meta,
  namespace: string | undefined,
  source: Source,
): CalicoPolicy {
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const tier = optString(spec.tier, ["spec", "tier"]) || DEFAULT_TIER;
  const order = readNumber(spec.order, ["spec", "order"]);
  const selector = selectorField(spec.selector, ["spec", "selector"]) ?? { selector: { op: "all" }, text: "all()" };
  const namespaceSelector =
    kind === "GlobalNetworkPolicy" ? selectorField(spec.namespaceSelector, ["spec", "namespaceSelector"]) : undefined;
  const serviceAccountSelector = selectorField(spec.serviceAccountSelector, ["spec", "serviceAccountSelector"]);
  const rules = (key: "ingress" | "egress") =>
    (optList(spec[key], ["spec", key]) ?? []).map((r, i) => readRule(r, ["spec", key, i], key, i, source));
  const ingress = rules("ingress");
  const egress = rules("egress");
  const typeList = optList(spec.types, ["spec", "types"]);
  // types, when absent: Ingress, plus Egress when there are egress rules; only Egress when there are egress
  // rules and no ingress rules (networkpolicy reference, "types").
  const types = typeList
    ? {
        ingress: typeList.some((t) => String(t).toLowerCase() === "ingress"),
        egress: typeList.some((t) => String(t).toLowerCase() === "egress"),
      }
    : { ingress: ingress.length > 0 || egress.length === 0, egress: egress.length > 0 };
  for (const [i, t] of (typeList ?? []).entries())
    if (!["ingress", "egress"].includes(String(t).toLowerCase()))
      fail(["spec", "types", i], `must be Ingress or Egress, found ${JSON.stringify(t)}`);
  const hostOnly = (["preDNAT", "doNotTrack", "applyOnForward"] as const).filter(
    (k) => optBool(spec[k], ["spec", k]) === true,
  );
  // A Calico NetworkPolicy is named by its kind and group (as kubectl does) so that it is never taken for the
  // Kubernetes NetworkPolicy of the same name.
  const id = namespace === undefined ? `${kind}/${meta.name}` : `${namespace}/${CALICO_NETWORK_POLICY}/${meta.name}`;
  return {
    id,
    kind,
    name: meta.name,
    namespace,
    source,
    tier,
    ...(order !== undefined ? { order } : {}),
    selector,
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(serviceAccountSelector ? { serviceAccountSelector } : {}),
    types,
    ingress,
    egress,
    hostOnly,
    // preDNAT and doNotTrack policies apply only to host endpoints (globalnetworkpolicy reference).
    appliesToPods: !hostOnly.includes("preDNAT") && !hostOnly.includes("doNotTrack"),
  };
}

export function readCalicoTier(data: Record<string, unknown>, meta: Meta, source: Source): CalicoTier {
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const order = readNumber(spec.order, ["spec", "order"]);
  const action = optString(spec.defaultAction, ["spec", "defaultAction"]);
  if (action !== undefined && action !== "Deny" && action !== "Pass")
    fail(["spec", "defaultAction"], `must be Deny or Pass, found ${JSON.stringify(action)}`);
  return {
    id: `Tier/${meta.name}`,
    kind: "Tier",
    name: meta.name,
    source,
    ...(order !== undefined ? { order } : meta.name === DEFAULT_TIER ? { order: DEFAULT_TIER_ORDER } : {}),
    defaultAction: action ?? "Deny",
  };
}

/** A short name of a Calico rule for explain: `ingress[0] (Deny)`. */
export function calicoRuleName(rule: CalicoRule): string {
  return `${rule.direction}[${rule.index}] (${rule.action})`;
}

/** Every address block a Calico policy names (nets and notNets), for cutting the address space into atoms. */
export function calicoBlocks(policy: CalicoPolicy): IpInterval[] {
  return [...policy.ingress, ...policy.egress].flatMap((r) =>
    [r.source, r.destination].flatMap((e) => [...(e.nets ?? []), ...(e.notNets ?? [])]),
  );
}
