// networking.k8s.io/v1 NetworkPolicy, with the API server's validation and defaulting.
import { CidrError, containsInterval, parseCidr, type IpInterval } from "../../core/ip.js";
import { MATCH_ALL, parseSelector, SelectorError, type LabelSelector } from "../../core/label-selector.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, fieldName, optInt, optList, optObj, optPortOrName, optString } from "../fields.js";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule } from "../types.js";
import type { Meta } from "./metadata.js";
import { protocolAt } from "./workload.js";

export function selectorAt(value: unknown, path: Path): LabelSelector {
  try {
    return parseSelector(value);
  } catch (e) {
    if (e instanceof SelectorError) fail(path, e.message);
    throw e;
  }
}

export function cidrAt(value: unknown, path: Path): IpInterval {
  const text = optString(value, path);
  if (text === undefined) fail(path, "is missing");
  try {
    return parseCidr(text);
  } catch (e) {
    if (e instanceof CidrError) fail(path, e.message);
    throw e;
  }
}

function readPeer(value: unknown, path: Path): NetworkPolicyPeer {
  const peer = optObj(value, path);
  if (!peer) fail(path, "must be a mapping with podSelector, namespaceSelector or ipBlock");
  const hasPods = peer.podSelector !== undefined && peer.podSelector !== null;
  const hasNamespaces = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
  const ipBlock = optObj(peer.ipBlock, [...path, "ipBlock"]);
  if (ipBlock && (hasPods || hasNamespaces))
    fail(path, "ipBlock cannot be combined with podSelector or namespaceSelector");
  if (ipBlock) {
    const cidrText = optString(ipBlock.cidr, [...path, "ipBlock", "cidr"]) ?? "";
    const cidr = cidrAt(ipBlock.cidr, [...path, "ipBlock", "cidr"]);
    const except = (optList(ipBlock.except, [...path, "ipBlock", "except"]) ?? []).map((e, i) => {
      const ePath = [...path, "ipBlock", "except", i];
      const hole = cidrAt(e, ePath);
      if (!containsInterval(cidr, hole) || (hole.lo === cidr.lo && hole.hi === cidr.hi))
        fail(ePath, `must be a strict subset of cidr ${cidrText}`);
      return hole;
    });
    const exceptText = (optList(ipBlock.except, []) ?? []).map(String);
    return {
      type: "ipBlock",
      cidr,
      except,
      text: exceptText.length ? `${cidrText} except ${exceptText.join(", ")}` : cidrText,
      path: fieldName(path),
    };
  }
  if (!hasPods && !hasNamespaces) fail(path, "must specify podSelector, namespaceSelector or ipBlock");
  return {
    type: "pods",
    podSelector: hasPods ? selectorAt(peer.podSelector, [...path, "podSelector"]) : MATCH_ALL,
    namespaceSelector: hasNamespaces ? selectorAt(peer.namespaceSelector, [...path, "namespaceSelector"]) : null,
    path: fieldName(path),
  };
}

function readPort(value: unknown, path: Path): NetworkPolicyPort {
  const port = optObj(value, path);
  if (!port) fail(path, "must be a mapping");
  const protocol = protocolAt(port.protocol, [...path, "protocol"]);
  const number = optPortOrName(port.port, [...path, "port"]);
  const endPort = optInt(port.endPort, [...path, "endPort"], 1, 65535);
  if (endPort !== undefined) {
    if (typeof number !== "number") fail([...path, "endPort"], "may only be given with a numeric port");
    if (endPort < number) fail([...path, "endPort"], `must be greater than or equal to port (${number})`);
  }
  return { protocol, port: number, endPort };
}

function readRules(spec: Record<string, unknown>, field: "ingress" | "egress", source: Source): NetworkPolicyRule[] {
  const peerField = field === "ingress" ? "from" : "to";
  return (optList(spec[field], ["spec", field]) ?? []).map((value, index) => {
    const path = ["spec", field, index];
    const rule = optObj(value, path) ?? {};
    const peers = (optList(rule[peerField], [...path, peerField]) ?? []).map((p, i) =>
      readPeer(p, [...path, peerField, i]),
    );
    const ports = (optList(rule.ports, [...path, "ports"]) ?? []).map((p, i) => readPort(p, [...path, "ports", i]));
    return {
      index,
      line: source.lineOf(path),
      peers: peers.length ? peers : null,
      ports: ports.length ? ports : null,
    };
  });
}

export function readNetworkPolicy(
  data: Record<string, unknown>,
  meta: Meta,
  namespace: string,
  source: Source,
): NetworkPolicy {
  // The API server decodes a missing spec or podSelector as empty: the policy selects every pod of its
  // namespace (and, with the default policyTypes, denies them all ingress). The builder warns about it.
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const podSelector = selectorAt(spec.podSelector, ["spec", "podSelector"]);
  const ingress = readRules(spec, "ingress", source);
  const egress = readRules(spec, "egress", source);
  const declared = optList(spec.policyTypes, ["spec", "policyTypes"]);
  let policyTypes: NetworkPolicy["policyTypes"];
  if (declared?.length) {
    declared.forEach((t, i) => {
      if (t !== "Ingress" && t !== "Egress")
        fail(["spec", "policyTypes", i], `must be Ingress or Egress, found ${JSON.stringify(t)}`);
    });
    policyTypes = { ingress: declared.includes("Ingress"), egress: declared.includes("Egress") };
  } else {
    // The API server's default: Ingress always, Egress when there are egress rules.
    policyTypes = { ingress: true, egress: egress.length > 0 };
  }
  return {
    id: `${namespace}/NetworkPolicy/${meta.name}`,
    kind: "NetworkPolicy",
    name: meta.name,
    namespace,
    source,
    podSelector,
    policyTypes,
    ingress,
    egress,
  };
}
