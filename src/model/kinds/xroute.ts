// The Gateway API route kinds (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute), read into one
// shape: hostnames, parentRefs (where the route asks to attach), rules with their matches and
// backendRefs (RequestMirror targets included). Hostname matching follows the Gateway API rules (a
// `*.` wildcard covers one or more labels), not the Ingress ones.
import type { Path, Source } from "../../manifests/parse.js";
import { fail, isObj, optInt, optList, optObj, optString, reqString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";
import { GATEWAY_GROUP } from "./gateway-api.js";
import { hostnameAt } from "./hostname.js";

export const XROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"] as const;
export type XRouteKind = (typeof XROUTE_KINDS)[number];

function isXRouteKind(kind: string): kind is XRouteKind {
  return (XROUTE_KINDS as readonly string[]).includes(kind);
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

export interface XRouteRule {
  readonly index: number;
  readonly name?: string;
  /** Matches for people: `PathPrefix /api`, `Exact /login header:x-env=dev`, `method foo.Bar/Get`. */
  readonly matches: readonly string[];
  readonly backendRefs: readonly BackendRef[];
  readonly line: number;
}

export interface XRoute extends Located {
  readonly kind: XRouteKind;
  readonly namespace: string;
  readonly hostnames: readonly string[];
  readonly parentRefs: readonly ParentRef[];
  readonly rules: readonly XRouteRule[];
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
    name: reqString(b.name, [...path, "name"]),
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

export function readXRoute(o: ObjectInput): XRoute {
  if (!isXRouteKind(o.kind)) throw new Error(`${o.kind} is not a route kind`);
  const kind = o.kind;
  const data = o.data;
  const namespace = o.namespace!;
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
      name: reqString(ref.name, [...path, "name"]),
      sectionName: optString(ref.sectionName, [...path, "sectionName"]) || undefined,
      port: optInt(ref.port, [...path, "port"], 1, 65535),
      index,
      line: o.source.lineOf(path),
    };
  });
  const rules = (optList(spec.rules, ["spec", "rules"]) ?? []).map((r, index): XRouteRule => {
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
  return { id: o.id, kind, name: o.meta.name, namespace, source: o.source, hostnames, parentRefs, rules };
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
