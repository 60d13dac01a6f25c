// core/v1 Service: type, selector, ports (port -> targetPort by number or name, nodePort), and the
// fields that decide who outside the cluster can reach it.
import type { Source } from "../../manifests/parse.js";
import { fail, optBool, optInt, optList, optObj, optPortOrName, optString, optStringMap } from "../fields.js";
import type { Service, ServicePort } from "../types.js";
import type { Meta } from "./metadata.js";
import { protocolAt } from "./workload.js";

const TYPES = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] as const;

/**
 * The fields every service port has, a Service's and a ServiceImport's alike (name, protocol, port),
 * with each port's mapping and path for the fields only one of them has.
 */
export function servicePorts(spec: Record<string, unknown>) {
  return (optList(spec.ports, ["spec", "ports"]) ?? []).map((value, i) => {
    const path = ["spec", "ports", i];
    const p = optObj(value, path);
    if (!p) fail(path, "must be a mapping");
    const port = optInt(p.port, [...path, "port"], 1, 65535);
    if (port === undefined) fail([...path, "port"], "is missing");
    return {
      name: optString(p.name, [...path, "name"]),
      protocol: protocolAt(p.protocol, [...path, "protocol"]),
      port,
      p,
      path,
    };
  });
}

export function readService(data: Record<string, unknown>, meta: Meta, namespace: string, source: Source): Service {
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const typeText = optString(spec.type, ["spec", "type"]) ?? "ClusterIP";
  const type = TYPES.find((t) => t === typeText);
  if (!type) fail(["spec", "type"], `must be one of ${TYPES.join(", ")}, found ${JSON.stringify(typeText)}`);
  const selector = optStringMap(spec.selector, ["spec", "selector"]);
  const ports: ServicePort[] = servicePorts(spec).map(({ p, path, ...base }) => ({
    ...base,
    // targetPort defaults to port; 0 is the API's "unset".
    targetPort: (p.targetPort === 0 ? undefined : optPortOrName(p.targetPort, [...path, "targetPort"])) ?? base.port,
    nodePort: optInt(p.nodePort, [...path, "nodePort"], 0, 65535) || undefined,
    appProtocol: optString(p.appProtocol, [...path, "appProtocol"]),
  }));
  const strings = (field: string) =>
    (optList(spec[field], ["spec", field]) ?? []).map((v, i) => optString(v, ["spec", field, i]) ?? "");
  const sourceRanges = strings("loadBalancerSourceRanges");
  const legacyRanges = meta.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"];
  if (!sourceRanges.length && legacyRanges)
    sourceRanges.push(
      ...legacyRanges
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
  const etp = optString(spec.externalTrafficPolicy, ["spec", "externalTrafficPolicy"]) ?? "Cluster";
  if (etp !== "Cluster" && etp !== "Local" && etp !== "Global")
    fail(["spec", "externalTrafficPolicy"], `must be Cluster or Local, found ${JSON.stringify(etp)}`);
  return {
    id: `${namespace}/Service/${meta.name}`,
    kind: "Service",
    name: meta.name,
    namespace,
    source,
    type,
    selector: selector && Object.keys(selector).length ? selector : null,
    ports,
    headless: spec.clusterIP === "None",
    externalIPs: strings("externalIPs"),
    externalName: optString(spec.externalName, ["spec", "externalName"]),
    loadBalancerSourceRanges: sourceRanges,
    loadBalancerClass: optString(spec.loadBalancerClass, ["spec", "loadBalancerClass"]),
    allocateLoadBalancerNodePorts:
      optBool(spec.allocateLoadBalancerNodePorts, ["spec", "allocateLoadBalancerNodePorts"]) ?? true,
    externalTrafficPolicy: etp === "Local" ? "Local" : "Cluster",
    annotations: meta.annotations,
  };
}
