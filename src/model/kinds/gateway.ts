// gateway.networking.k8s.io Gateway: its listeners (port, protocol, hostname, TLS, which routes may
// attach), requested addresses and infrastructure metadata, with the API's defaults applied.
import { type LabelSelector, type Labels, MATCH_ALL } from "../../core/label-selector.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, optInt, optList, optObj, optString, optStringMap, reqString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";
import { GATEWAY_GROUP, type GroupKind } from "./gateway-api.js";
import { hostnameAt } from "./hostname.js";
import { selectorAt } from "./network-policy.js";
import type { XRouteKind } from "./xroute.js";

export interface Listener {
  readonly name: string;
  /** Undefined: every host. */
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: string;
  readonly tlsMode?: "Terminate" | "Passthrough";
  readonly certificateRefs: readonly {
    readonly group: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace?: string;
    readonly line: number;
  }[];
  readonly allowedNamespaces: { readonly from: "All" | "Same" | "Selector" | "None"; readonly selector: LabelSelector };
  /** null: the kinds the protocol implies. */
  readonly allowedKinds: readonly GroupKind[] | null;
  readonly line: number;
}

export interface Gateway extends Located {
  readonly namespace: string;
  readonly className: string;
  readonly listeners: readonly Listener[];
  readonly addresses: readonly { readonly type: string; readonly value: string }[];
  /** spec.infrastructure: metadata the implementation copies onto what it creates (its Service, ...). */
  readonly infrastructure: { readonly annotations: Labels; readonly labels: Labels };
  readonly annotations: Labels;
}

function readListener(value: unknown, path: Path, source: Source): Listener {
  const l = optObj(value, path);
  if (!l) fail(path, "must be a mapping");
  const name = reqString(l.name, [...path, "name"]);
  const port = optInt(l.port, [...path, "port"], 1, 65535);
  if (port === undefined) fail([...path, "port"], "is missing");
  const protocol = reqString(l.protocol, [...path, "protocol"]);
  const tls = optObj(l.tls, [...path, "tls"]);
  let tlsMode: Listener["tlsMode"];
  const certificateRefs: Listener["certificateRefs"][number][] = [];
  if (tls) {
    const mode = optString(tls.mode, [...path, "tls", "mode"]) ?? "Terminate";
    if (mode !== "Terminate" && mode !== "Passthrough")
      fail([...path, "tls", "mode"], `must be Terminate or Passthrough, found ${JSON.stringify(mode)}`);
    tlsMode = mode;
    (optList(tls.certificateRefs, [...path, "tls", "certificateRefs"]) ?? []).forEach((c, i) => {
      const cPath = [...path, "tls", "certificateRefs", i];
      const ref = optObj(c, cPath) ?? {};
      certificateRefs.push({
        group: optString(ref.group, [...cPath, "group"]) ?? "",
        kind: optString(ref.kind, [...cPath, "kind"]) ?? "Secret",
        name: reqString(ref.name, [...cPath, "name"]),
        namespace: optString(ref.namespace, [...cPath, "namespace"]) || undefined,
        line: source.lineOf(cPath),
      });
    });
  } else if (protocol === "HTTPS") {
    // HTTPS terminates TLS at the listener; without a tls section it has no certificate (not programmed).
    tlsMode = "Terminate";
  }
  const allowed = optObj(l.allowedRoutes, [...path, "allowedRoutes"]) ?? {};
  const ns = optObj(allowed.namespaces, [...path, "allowedRoutes", "namespaces"]) ?? {};
  const from = optString(ns.from, [...path, "allowedRoutes", "namespaces", "from"]) ?? "Same";
  if (from !== "All" && from !== "Same" && from !== "Selector" && from !== "None")
    fail(
      [...path, "allowedRoutes", "namespaces", "from"],
      `must be All, Same, Selector or None, found ${JSON.stringify(from)}`,
    );
  let selector = MATCH_ALL;
  if (from === "Selector") {
    if (ns.selector === undefined || ns.selector === null)
      fail([...path, "allowedRoutes", "namespaces", "selector"], "is required when from is Selector");
    selector = selectorAt(ns.selector, [...path, "allowedRoutes", "namespaces", "selector"]);
  }
  const kinds = optList(allowed.kinds, [...path, "allowedRoutes", "kinds"]);
  const allowedKinds = kinds?.length
    ? kinds.map((k, i) => {
        const kPath = [...path, "allowedRoutes", "kinds", i];
        const gk = optObj(k, kPath) ?? {};
        return {
          group: optString(gk.group, [...kPath, "group"]) ?? GATEWAY_GROUP,
          kind: reqString(gk.kind, [...kPath, "kind"]),
        };
      })
    : null;
  return {
    name,
    hostname: hostnameAt(l.hostname, [...path, "hostname"]),
    port,
    protocol,
    tlsMode,
    certificateRefs,
    allowedNamespaces: { from, selector },
    allowedKinds,
    line: source.lineOf(path),
  };
}

export function readGateway(o: ObjectInput): Gateway {
  const data = o.data;
  const spec = optObj(data.spec, ["spec"]);
  if (!spec) fail(["spec"], "is missing");
  const className = reqString(spec.gatewayClassName, ["spec", "gatewayClassName"]);
  const listeners = (optList(spec.listeners, ["spec", "listeners"]) ?? []).map((l, i) =>
    readListener(l, ["spec", "listeners", i], o.source),
  );
  const seen = new Set<string>();
  listeners.forEach((l, i) => {
    if (seen.has(l.name))
      fail(["spec", "listeners", i, "name"], `listener name ${JSON.stringify(l.name)} is used twice`);
    seen.add(l.name);
  });
  const addresses = (optList(spec.addresses, ["spec", "addresses"]) ?? []).map((a, i) => {
    const aPath = ["spec", "addresses", i];
    const addr = optObj(a, aPath) ?? {};
    return {
      type: optString(addr.type, [...aPath, "type"]) ?? "IPAddress",
      value: optString(addr.value, [...aPath, "value"]) ?? "",
    };
  });
  const infra = optObj(spec.infrastructure, ["spec", "infrastructure"]) ?? {};
  return {
    id: o.id,
    kind: "Gateway",
    name: o.meta.name,
    namespace: o.namespace!,
    source: o.source,
    className,
    listeners,
    addresses,
    infrastructure: {
      annotations: optStringMap(infra.annotations, ["spec", "infrastructure", "annotations"]) ?? {},
      labels: optStringMap(infra.labels, ["spec", "infrastructure", "labels"]) ?? {},
    },
    annotations: o.meta.annotations,
  };
}

/** The route kinds a listener protocol carries when allowedRoutes.kinds is empty (and the only ones it can carry). */
export function kindsForProtocol(protocol: string, tlsMode: Listener["tlsMode"]): XRouteKind[] | null {
  switch (protocol) {
    case "HTTP":
    case "HTTPS":
      return ["HTTPRoute", "GRPCRoute"];
    case "TLS":
      return tlsMode === "Terminate" ? ["TLSRoute", "TCPRoute"] : ["TLSRoute"];
    case "TCP":
      return ["TCPRoute"];
    case "UDP":
      return ["UDPRoute"];
    default:
      return null; // an implementation-specific protocol
  }
}
