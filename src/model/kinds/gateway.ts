// Gateway API (gateway.networking.k8s.io): GatewayClass, Gateway, the route kinds (HTTPRoute, GRPCRoute,
// TLSRoute, TCPRoute, UDPRoute) and ReferenceGrant, read from any served version (v1, v1beta1,
// v1alpha2, v1alpha3) into one shape, with the API's defaults applied. Hostname matching follows the
// Gateway API rules (a `*.` wildcard covers one or more labels), not the Ingress ones.
import { MATCH_ALL, type LabelSelector, type Labels } from "../../core/label-selector.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, isObj, optInt, optList, optObj, optString, optStringMap } from "../fields.js";
import type { Located, OtherObject } from "../types.js";
import { readMeta } from "./metadata.js";
import { selectorAt } from "./network-policy.js";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";
export const GATEWAY_VERSIONS = ["v1", "v1beta1", "v1alpha2", "v1alpha3"] as const;
export const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

export function isRouteKind(kind: string): kind is RouteKind {
  return (ROUTE_KINDS as readonly string[]).includes(kind);
}

export interface GatewayClass extends Located {
  readonly controllerName?: string;
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

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

export interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
  readonly index: number;
  readonly line: number;
}

export interface BackendRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly port?: number;
  readonly weight: number;
  /** A RequestMirror filter's target: it receives a copy of the traffic. */
  readonly mirror: boolean;
  readonly line: number;
}

export interface RouteRule {
  readonly index: number;
  readonly name?: string;
  /** Matches for people: `PathPrefix /api`, `Exact /login header:x-env=dev`, `method foo.Bar/Get`. */
  readonly matches: readonly string[];
  readonly backendRefs: readonly BackendRef[];
  readonly line: number;
}

export interface Route extends Located {
  readonly kind: RouteKind;
  readonly namespace: string;
  readonly hostnames: readonly string[];
  readonly parentRefs: readonly ParentRef[];
  readonly rules: readonly RouteRule[];
}

export interface ReferenceGrant extends Located {
  readonly namespace: string;
  readonly from: readonly { readonly group: string; readonly kind: string; readonly namespace: string }[];
  /** name undefined: every object of that kind in the namespace. */
  readonly to: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
}

/** Whether the object's apiVersion is one this module reads. */
export function knownGatewayVersion(apiVersion: string): boolean {
  return (GATEWAY_VERSIONS as readonly string[]).some((v) => apiVersion === `${GATEWAY_GROUP}/${v}`);
}

// RFC 1123 names with an optional leading `*.` label, as the Hostname type allows.
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function hostnameAt(value: unknown, path: Path): string | undefined {
  const text = optString(value, path);
  if (text === undefined || text === "") return undefined;
  if (!HOSTNAME.test(text))
    fail(path, `must be a DNS name, optionally starting with "*.", found ${JSON.stringify(text)}`);
  return text;
}

function required(value: unknown, path: Path): string {
  const text = optString(value, path);
  if (!text) fail(path, "is missing");
  return text;
}

export function readGatewayClass(o: OtherObject): GatewayClass {
  const meta = readMeta(o.raw.data);
  const spec = optObj(o.raw.data.spec, ["spec"]) ?? {};
  return {
    id: o.id,
    kind: "GatewayClass",
    name: meta.name,
    source: o.source,
    controllerName: optString(spec.controllerName, ["spec", "controllerName"]),
  };
}

function readListener(value: unknown, path: Path, source: Source): Listener {
  const l = optObj(value, path);
  if (!l) fail(path, "must be a mapping");
  const name = required(l.name, [...path, "name"]);
  const port = optInt(l.port, [...path, "port"], 1, 65535);
  if (port === undefined) fail([...path, "port"], "is missing");
  const protocol = required(l.protocol, [...path, "protocol"]);
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
        name: required(ref.name, [...cPath, "name"]),
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
          kind: required(gk.kind, [...kPath, "kind"]),
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

export function readGateway(o: OtherObject): Gateway {
  const data = o.raw.data;
  const meta = readMeta(data);
  const spec = optObj(data.spec, ["spec"]);
  if (!spec) fail(["spec"], "is missing");
  const className = required(spec.gatewayClassName, ["spec", "gatewayClassName"]);
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
    name: meta.name,
    namespace: o.namespace ?? "default",
    source: o.source,
    className,
    listeners,
    addresses,
    infrastructure: {
      annotations: optStringMap(infra.annotations, ["spec", "infrastructure", "annotations"]) ?? {},
      labels: optStringMap(infra.labels, ["spec", "infrastructure", "labels"]) ?? {},
    },
    annotations: meta.annotations,
  };
}

function readBackendRef(value: unknown, path: Path, namespace: string, source: Source, mirror: boolean): BackendRef {
  const b = optObj(value, path);
  if (!b) fail(path, "must be a mapping");
  const group = optString(b.group, [...path, "group"]) ?? "";
  const kind = optString(b.kind, [...path, "kind"]) ?? "Service";
  const port = optInt(b.port, [...path, "port"], 1, 65535);
  if (port === undefined && group === "" && kind === "Service")
    fail([...path, "port"], "is required when referring to a Service");
  return {
    group,
    kind,
    name: required(b.name, [...path, "name"]),
    namespace: optString(b.namespace, [...path, "namespace"]) || namespace,
    port,
    weight: mirror ? 1 : (optInt(b.weight, [...path, "weight"], 0, 1_000_000) ?? 1),
    mirror,
    line: source.lineOf(path),
  };
}

/** The backends of RequestMirror filters in a filter list. */
function mirrorsIn(filters: unknown, path: Path, namespace: string, source: Source): BackendRef[] {
  const out: BackendRef[] = [];
  (optList(filters, path) ?? []).forEach((f, i) => {
    const fPath = [...path, i];
    if (!isObj(f) || f.type !== "RequestMirror") return;
    const mirror = optObj(f.requestMirror, [...fPath, "requestMirror"]);
    if (!mirror) fail([...fPath, "requestMirror"], "is required for a RequestMirror filter");
    // A mirror with percent 0 (or fraction 0/x) copies nothing.
    if (mirror.percent === 0 || (isObj(mirror.fraction) && mirror.fraction.numerator === 0)) return;
    out.push(readBackendRef(mirror.backendRef, [...fPath, "requestMirror", "backendRef"], namespace, source, true));
  });
  return out;
}

function describeHttpMatch(m: Record<string, unknown>, path: Path): string {
  const parts: string[] = [];
  const p = optObj(m.path, [...path, "path"]);
  parts.push(
    `${optString(p?.type, [...path, "path", "type"]) ?? "PathPrefix"} ${optString(p?.value, [...path, "path", "value"]) ?? "/"}`,
  );
  for (const field of ["headers", "queryParams"] as const)
    (optList(m[field], [...path, field]) ?? []).forEach((h, i) => {
      if (!isObj(h)) fail([...path, field, i], "must be a mapping");
      const regex = h.type === "RegularExpression" ? "~" : "=";
      parts.push(`${field === "headers" ? "header" : "query"}:${String(h.name)}${regex}${String(h.value)}`);
    });
  const method = optString(m.method, [...path, "method"]);
  if (method) parts.push(`method:${method}`);
  return parts.join(" ");
}

function describeGrpcMatch(m: Record<string, unknown>, path: Path): string {
  const parts: string[] = [];
  const method = optObj(m.method, [...path, "method"]);
  const service = optString(method?.service, [...path, "method", "service"]);
  const name = optString(method?.method, [...path, "method", "method"]);
  parts.push(service || name ? `method ${service ?? "*"}/${name ?? "*"}` : "any method");
  (optList(m.headers, [...path, "headers"]) ?? []).forEach((h, i) => {
    if (!isObj(h)) fail([...path, "headers", i], "must be a mapping");
    parts.push(`header:${String(h.name)}${h.type === "RegularExpression" ? "~" : "="}${String(h.value)}`);
  });
  return parts.join(" ");
}

export function readRoute(o: OtherObject): Route {
  if (!isRouteKind(o.kind)) throw new Error(`${o.kind} is not a route kind`);
  const kind = o.kind;
  const data = o.raw.data;
  const meta = readMeta(data);
  const namespace = o.namespace ?? "default";
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const hostnames =
    kind === "TCPRoute" || kind === "UDPRoute"
      ? []
      : (optList(spec.hostnames, ["spec", "hostnames"]) ?? [])
          .map((h, i) => hostnameAt(h, ["spec", "hostnames", i]))
          .filter((h): h is string => !!h);
  const parentRefs = (optList(spec.parentRefs, ["spec", "parentRefs"]) ?? []).map((p, index): ParentRef => {
    const path = ["spec", "parentRefs", index];
    const ref = optObj(p, path);
    if (!ref) fail(path, "must be a mapping");
    return {
      group: optString(ref.group, [...path, "group"]) ?? GATEWAY_GROUP,
      kind: optString(ref.kind, [...path, "kind"]) ?? "Gateway",
      namespace: optString(ref.namespace, [...path, "namespace"]) || namespace,
      name: required(ref.name, [...path, "name"]),
      sectionName: optString(ref.sectionName, [...path, "sectionName"]) || undefined,
      port: optInt(ref.port, [...path, "port"], 1, 65535),
      index,
      line: o.source.lineOf(path),
    };
  });
  const rules = (optList(spec.rules, ["spec", "rules"]) ?? []).map((r, index): RouteRule => {
    const path = ["spec", "rules", index];
    const rule = optObj(r, path) ?? {};
    let matches: string[] = [];
    if (kind === "HTTPRoute" || kind === "GRPCRoute") {
      const list = optList(rule.matches, [...path, "matches"]) ?? [];
      const describe = kind === "HTTPRoute" ? describeHttpMatch : describeGrpcMatch;
      matches = list.map((m, i) => {
        const mPath = [...path, "matches", i];
        return describe(optObj(m, mPath) ?? {}, mPath);
      });
      if (!matches.length) matches = [kind === "HTTPRoute" ? "PathPrefix /" : "any method"];
    }
    const backendRefs: BackendRef[] = [];
    (optList(rule.backendRefs, [...path, "backendRefs"]) ?? []).forEach((b, i) => {
      const bPath = [...path, "backendRefs", i];
      backendRefs.push(readBackendRef(b, bPath, namespace, o.source, false));
      if (isObj(b)) backendRefs.push(...mirrorsIn(b.filters, [...bPath, "filters"], namespace, o.source));
    });
    backendRefs.push(...mirrorsIn(rule.filters, [...path, "filters"], namespace, o.source));
    return { index, name: optString(rule.name, [...path, "name"]), matches, backendRefs, line: o.source.lineOf(path) };
  });
  return { id: o.id, kind, name: meta.name, namespace, source: o.source, hostnames, parentRefs, rules };
}

export function readReferenceGrant(o: OtherObject): ReferenceGrant {
  const data = o.raw.data;
  const meta = readMeta(data);
  const spec = optObj(data.spec, ["spec"]);
  if (!spec) fail(["spec"], "is missing");
  const from = (optList(spec.from, ["spec", "from"]) ?? []).map((f, i) => {
    const path = ["spec", "from", i];
    const ref = optObj(f, path) ?? {};
    const group = optString(ref.group, [...path, "group"]);
    if (group === undefined) fail([...path, "group"], 'is missing (use "" for the core group)');
    return {
      group,
      kind: required(ref.kind, [...path, "kind"]),
      namespace: required(ref.namespace, [...path, "namespace"]),
    };
  });
  const to = (optList(spec.to, ["spec", "to"]) ?? []).map((t, i) => {
    const path = ["spec", "to", i];
    const ref = optObj(t, path) ?? {};
    const group = optString(ref.group, [...path, "group"]);
    if (group === undefined) fail([...path, "group"], 'is missing (use "" for the core group)');
    return {
      group,
      kind: required(ref.kind, [...path, "kind"]),
      name: optString(ref.name, [...path, "name"]) || undefined,
    };
  });
  if (!from.length) fail(["spec", "from"], "must have at least one entry");
  if (!to.length) fail(["spec", "to"], "must have at least one entry");
  return {
    id: o.id,
    kind: "ReferenceGrant",
    name: meta.name,
    namespace: o.namespace ?? "default",
    source: o.source,
    from,
    to,
  };
}

/** Gateway API wildcard: `*.example.com` matches one or more extra labels, never `example.com` itself. */
export function gatewayHostMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith("*.")) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  const bare = host.startsWith("*.") ? host.slice(1) : host;
  return bare.endsWith(suffix) && bare.length > suffix.length;
}

/**
 * The hostnames a route serves through a listener: the intersection of the listener's hostname and the
 * route's hostnames (the more specific of each matching pair). `[undefined]` means every host; null
 * means they do not intersect (the route is not accepted there: NoMatchingListenerHostname).
 */
export function intersectHostnames(
  listener: string | undefined,
  route: readonly string[],
): (string | undefined)[] | null {
  if (!route.length) return [listener];
  if (listener === undefined) return [...route];
  const out = new Set<string>();
  for (const h of route) {
    if (h === listener) out.add(h);
    else if (gatewayHostMatches(listener, h)) out.add(h);
    else if (gatewayHostMatches(h, listener)) out.add(listener);
  }
  return out.size ? [...out] : null;
}

/** The route kinds a listener protocol carries when allowedRoutes.kinds is empty (and the only ones it can carry). */
export function kindsForProtocol(protocol: string, tlsMode: Listener["tlsMode"]): RouteKind[] | null {
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
