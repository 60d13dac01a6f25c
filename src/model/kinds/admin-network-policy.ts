// Cluster-scoped policy tiers: AdminNetworkPolicy and BaselineAdminNetworkPolicy
// (policy.networking.k8s.io/v1alpha1) and their successor ClusterNetworkPolicy (v1alpha2), read into
// one AdminPolicy shape so that the engine evaluates them alike.
import { PortSet } from "../../core/port-set.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, isObj, optInt, optList, optObj, optString, own } from "../fields.js";
import type { AdminAction, AdminPeer, AdminPolicy, AdminPort, AdminRule } from "../types.js";
import type { Meta } from "./metadata.js";
import { cidrAt, selectorAt } from "./network-policy.js";
import { protocolAt } from "./workload.js";

export type AdminKind = "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy" | "ClusterNetworkPolicy";

function readPods(value: unknown, path: Path) {
  const pods = optObj(value, path)!;
  return {
    namespaceSelector: selectorAt(pods.namespaceSelector, [...path, "namespaceSelector"]),
    podSelector: selectorAt(pods.podSelector, [...path, "podSelector"]),
  };
}

function readSubject(spec: Record<string, unknown>): AdminPolicy["subject"] {
  const subject = optObj(spec.subject, ["spec", "subject"]);
  if (!subject) fail(["spec", "subject"], "is missing");
  if (subject.namespaces !== undefined && subject.namespaces !== null)
    return { namespaceSelector: selectorAt(subject.namespaces, ["spec", "subject", "namespaces"]), podSelector: null };
  if (subject.pods !== undefined && subject.pods !== null) return readPods(subject.pods, ["spec", "subject", "pods"]);
  return fail(["spec", "subject"], "must set namespaces or pods");
}

function readPeer(value: unknown, path: Path): AdminPeer {
  const peer = optObj(value, path);
  if (!peer) fail(path, "must be a mapping");
  if (peer.namespaces !== undefined && peer.namespaces !== null)
    return { type: "pods", namespaceSelector: selectorAt(peer.namespaces, [...path, "namespaces"]), podSelector: null };
  if (peer.pods !== undefined && peer.pods !== null) return { type: "pods", ...readPods(peer.pods, [...path, "pods"]) };
  if (peer.networks !== undefined && peer.networks !== null) {
    const list = optList(peer.networks, [...path, "networks"]) ?? [];
    return {
      type: "networks",
      blocks: list.map((c, i) => cidrAt(c, [...path, "networks", i])),
      text: list.map(String),
    };
  }
  if (peer.nodes !== undefined) return { type: "unsupported", what: "nodes" };
  if (peer.domainNames !== undefined) return { type: "unsupported", what: "domainNames" };
  return { type: "unsupported", what: Object.keys(peer).join(", ") || "an empty peer" };
}

// v1alpha1: [{portNumber: {protocol, port}} | {namedPort} | {portRange: {protocol, start, end}}]
function readV1alpha1Port(value: unknown, path: Path): AdminPort {
  const port = optObj(value, path);
  if (!port) fail(path, "must be a mapping");
  if (isObj(port.portNumber)) {
    const p = optInt(port.portNumber.port, [...path, "portNumber", "port"], 1, 65535);
    if (p === undefined) fail([...path, "portNumber", "port"], "is missing");
    return {
      type: "numbers",
      protocol: protocolAt(port.portNumber.protocol, [...path, "portNumber", "protocol"]),
      ports: PortSet.range(p),
    };
  }
  if (typeof port.namedPort === "string") return { type: "named", name: port.namedPort };
  if (isObj(port.portRange)) {
    const start = optInt(port.portRange.start, [...path, "portRange", "start"], 1, 65535);
    const end = optInt(port.portRange.end, [...path, "portRange", "end"], 1, 65535);
    if (start === undefined || end === undefined) fail([...path, "portRange"], "needs start and end");
    if (start >= end) fail([...path, "portRange"], `start (${start}) must be less than end (${end})`);
    return {
      type: "numbers",
      protocol: protocolAt(port.portRange.protocol, [...path, "portRange", "protocol"]),
      ports: PortSet.range(start, end),
    };
  }
  return fail(path, "must set portNumber, namedPort or portRange");
}

// v1alpha2: [{tcp|udp|sctp: {destinationPort: {number} | {range: {start, end}}}} | {destinationNamedPort}]
function readV1alpha2Protocol(value: unknown, path: Path): AdminPort {
  const proto = optObj(value, path);
  if (!proto) fail(path, "must be a mapping");
  if (typeof proto.destinationNamedPort === "string") return { type: "named", name: proto.destinationNamedPort };
  for (const [field, protocol] of [
    ["tcp", "TCP"],
    ["udp", "UDP"],
    ["sctp", "SCTP"],
  ] as const) {
    const match = optObj(proto[field], [...path, field]);
    if (!match) continue;
    const dest = optObj(match.destinationPort, [...path, field, "destinationPort"]);
    if (!dest) return { type: "numbers", protocol, ports: PortSet.ALL };
    const number = optInt(dest.number, [...path, field, "destinationPort", "number"], 1, 65535);
    if (number !== undefined) return { type: "numbers", protocol, ports: PortSet.range(number) };
    const range = optObj(dest.range, [...path, field, "destinationPort", "range"]);
    const start = optInt(range?.start, [...path, field, "destinationPort", "range", "start"], 1, 65535);
    const end = optInt(range?.end, [...path, field, "destinationPort", "range", "end"], 1, 65535);
    if (start === undefined || end === undefined) fail([...path, field, "destinationPort"], "must set number or range");
    if (start >= end)
      fail([...path, field, "destinationPort", "range"], `start (${start}) must be less than end (${end})`);
    return { type: "numbers", protocol, ports: PortSet.range(start, end) };
  }
  return fail(path, "must set tcp, udp, sctp or destinationNamedPort");
}

function readRules(
  kind: AdminKind,
  spec: Record<string, unknown>,
  field: "ingress" | "egress",
  source: Source,
): AdminRule[] {
  const peerField = field === "ingress" ? "from" : "to";
  const actions: Record<string, AdminAction> =
    kind === "ClusterNetworkPolicy"
      ? { Accept: "Allow", Deny: "Deny", Pass: "Pass" }
      : kind === "BaselineAdminNetworkPolicy"
        ? { Allow: "Allow", Deny: "Deny" }
        : { Allow: "Allow", Deny: "Deny", Pass: "Pass" };
  return (optList(spec[field], ["spec", field]) ?? []).map((value, index) => {
    const path = ["spec", field, index];
    const rule = optObj(value, path);
    if (!rule) fail(path, "must be a mapping");
    const actionText = optString(rule.action, [...path, "action"]);
    const action = actionText ? own<AdminAction>(actions, actionText) : undefined;
    if (!action)
      fail(
        [...path, "action"],
        `must be one of ${Object.keys(actions).join(", ")}, found ${JSON.stringify(actionText)}`,
      );
    const peerList = optList(rule[peerField], [...path, peerField]) ?? [];
    if (peerList.length === 0) fail([...path, peerField], "must list at least one peer");
    const peers = peerList.map((p, i) => readPeer(p, [...path, peerField, i]));
    const portField = kind === "ClusterNetworkPolicy" ? "protocols" : "ports";
    const portList = optList(rule[portField], [...path, portField]);
    const ports = portList?.length
      ? portList.map((p, i) =>
          kind === "ClusterNetworkPolicy"
            ? readV1alpha2Protocol(p, [...path, portField, i])
            : readV1alpha1Port(p, [...path, portField, i]),
        )
      : null;
    return {
      index,
      name: optString(rule.name, [...path, "name"]) ?? `#${index + 1}`,
      line: source.lineOf(path),
      action,
      peers,
      ports,
    };
  });
}

export function readAdminPolicy(
  kind: AdminKind,
  data: Record<string, unknown>,
  meta: Meta,
  source: Source,
): AdminPolicy {
  const spec = optObj(data.spec, ["spec"]);
  if (!spec) fail(["spec"], "is missing");
  let tier: AdminPolicy["tier"];
  let priority: number;
  if (kind === "ClusterNetworkPolicy") {
    const t = optString(spec.tier, ["spec", "tier"]);
    if (t !== "Admin" && t !== "Baseline")
      fail(["spec", "tier"], `must be Admin or Baseline, found ${JSON.stringify(t)}`);
    tier = t === "Admin" ? "admin" : "baseline";
    priority = optInt(spec.priority, ["spec", "priority"], 0, 1000) ?? fail(["spec", "priority"], "is missing");
  } else if (kind === "AdminNetworkPolicy") {
    tier = "admin";
    priority = optInt(spec.priority, ["spec", "priority"], 0, 1000) ?? fail(["spec", "priority"], "is missing");
  } else {
    if (meta.name !== "default")
      fail(
        ["metadata", "name"],
        `a BaselineAdminNetworkPolicy must be named "default", found ${JSON.stringify(meta.name)}`,
      );
    tier = "baseline";
    priority = 0;
  }
  return {
    id: `${kind}/${meta.name}`,
    kind,
    name: meta.name,
    source,
    tier,
    priority,
    subject: readSubject(spec),
    ingress: readRules(kind, spec, "ingress", source),
    egress: readRules(kind, spec, "egress", source),
  };
}
