// networking.k8s.io Ingress (v1, and the older v1beta1 / extensions shape): which hosts and paths send
// traffic to which Service port, and which hosts are served over TLS.
import type { Labels } from "../../core/label-selector.js";
import type { Path, Source } from "../../manifests/parse.js";
import { fail, optInt, optList, optObj, optString } from "../fields.js";
import type { Located, ObjectInput } from "../types.js";
import { hostnameAt } from "./hostname.js";

export type IngressBackend =
  | {
      readonly type: "service";
      readonly name: string;
      readonly port: number | string | undefined;
      readonly line: number;
    }
  | { readonly type: "resource"; readonly kind: string; readonly name: string; readonly line: number };

export type PathType = "Exact" | "Prefix" | "ImplementationSpecific";

export interface IngressPath {
  readonly path?: string;
  readonly pathType: PathType;
  readonly backend: IngressBackend;
  readonly line: number;
}

export interface IngressRule {
  /** Undefined: every host. `*.foo.com` matches exactly one extra label. */
  readonly host?: string;
  readonly paths: readonly IngressPath[];
  readonly line: number;
}

export interface IngressTls {
  /** Empty: "defaults to the wildcard host setting of the controller", i.e. every host. */
  readonly hosts: readonly string[];
  readonly secretName?: string;
  readonly line: number;
}

export interface Ingress extends Located {
  readonly namespace: string;
  readonly apiVersion: string;
  /** spec.ingressClassName, else the legacy annotation kubernetes.io/ingress.class. */
  readonly className?: string;
  readonly classFrom: "spec" | "annotation" | "none";
  readonly defaultBackend?: IngressBackend;
  readonly rules: readonly IngressRule[];
  readonly tls: readonly IngressTls[];
  readonly annotations: Labels;
}

const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
const PATH_TYPES: readonly PathType[] = ["Exact", "Prefix", "ImplementationSpecific"];
/** v1: {service: {name, port: {number | name}}} or {resource}; v1beta1: {serviceName, servicePort}. */
function readBackend(value: unknown, path: Path, source: Source): IngressBackend {
  const b = optObj(value, path);
  if (!b) fail(path, "is missing");
  const line = source.lineOf(path);
  const service = optObj(b.service, [...path, "service"]);
  if (service) {
    const name = optString(service.name, [...path, "service", "name"]);
    if (!name) fail([...path, "service", "name"], "is missing");
    const port = optObj(service.port, [...path, "service", "port"]);
    const number = optInt(port?.number, [...path, "service", "port", "number"], 1, 65535);
    const portName = optString(port?.name, [...path, "service", "port", "name"]);
    if (number !== undefined && portName !== undefined)
      fail([...path, "service", "port"], "must set number or name, not both");
    return { type: "service", name, port: number ?? portName, line };
  }
  const serviceName = optString(b.serviceName, [...path, "serviceName"]);
  if (serviceName) {
    const sp = b.servicePort;
    if (typeof sp === "number")
      return { type: "service", name: serviceName, port: optInt(sp, [...path, "servicePort"], 1, 65535), line };
    const text = optString(sp, [...path, "servicePort"]);
    return {
      type: "service",
      name: serviceName,
      port: text !== undefined && /^\d+$/.test(text) ? Number(text) : text,
      line,
    };
  }
  const resource = optObj(b.resource, [...path, "resource"]);
  if (resource) {
    const kind = optString(resource.kind, [...path, "resource", "kind"]) ?? "";
    const name = optString(resource.name, [...path, "resource", "name"]) ?? "";
    return { type: "resource", kind, name, line };
  }
  return fail(path, "must name a service or a resource");
}

export function readIngress(o: ObjectInput): Ingress {
  const data = o.data;
  const source = o.source;
  const meta = o.meta;
  const v1 = o.apiVersion === "networking.k8s.io/v1";
  const spec = optObj(data.spec, ["spec"]) ?? {};
  const specClass = optString(spec.ingressClassName, ["spec", "ingressClassName"]) || undefined;
  const annotationClass = meta.annotations[INGRESS_CLASS_ANNOTATION] || undefined;
  const backendField = spec.defaultBackend !== undefined ? "defaultBackend" : "backend";
  const defaultBackend =
    spec[backendField] === undefined || spec[backendField] === null
      ? undefined
      : readBackend(spec[backendField], ["spec", backendField], source);
  const rules: IngressRule[] = (optList(spec.rules, ["spec", "rules"]) ?? []).map((value, i) => {
    const path = ["spec", "rules", i];
    const rule = optObj(value, path) ?? {};
    const http = optObj(rule.http, [...path, "http"]);
    const paths = (optList(http?.paths, [...path, "http", "paths"]) ?? []).map((pv, j): IngressPath => {
      const pPath = [...path, "http", "paths", j];
      const p = optObj(pv, pPath);
      if (!p) fail(pPath, "must be a mapping");
      const typeText = optString(p.pathType, [...pPath, "pathType"]);
      if (typeText === undefined && v1)
        fail([...pPath, "pathType"], "is missing (Exact, Prefix or ImplementationSpecific)");
      const pathType = PATH_TYPES.find((t) => t === (typeText ?? "ImplementationSpecific"));
      if (!pathType)
        fail(
          [...pPath, "pathType"],
          `must be Exact, Prefix or ImplementationSpecific, found ${JSON.stringify(typeText)}`,
        );
      const text = optString(p.path, [...pPath, "path"]) || undefined;
      if (pathType !== "ImplementationSpecific" && !text?.startsWith("/"))
        fail([...pPath, "path"], `must be an absolute path for pathType ${pathType}`);
      return {
        path: text,
        pathType,
        backend: readBackend(p.backend, [...pPath, "backend"], source),
        line: source.lineOf(pPath),
      };
    });
    return { host: hostnameAt(rule.host, [...path, "host"]), paths, line: source.lineOf(path) };
  });
  if (v1 && !defaultBackend && rules.length === 0) fail(["spec"], "must have a defaultBackend or rules");
  const tls: IngressTls[] = (optList(spec.tls, ["spec", "tls"]) ?? []).map((value, i) => {
    const path = ["spec", "tls", i];
    const t = optObj(value, path) ?? {};
    const hosts = (optList(t.hosts, [...path, "hosts"]) ?? [])
      .map((h, j) => hostnameAt(h, [...path, "hosts", j]))
      .filter((h): h is string => !!h);
    return { hosts, secretName: optString(t.secretName, [...path, "secretName"]), line: source.lineOf(path) };
  });
  return {
    id: o.id,
    kind: "Ingress",
    name: meta.name,
    namespace: o.namespace!,
    source,
    apiVersion: o.apiVersion,
    className: specClass ?? annotationClass,
    classFrom: specClass ? "spec" : annotationClass ? "annotation" : "none",
    defaultBackend,
    rules,
    tls,
    annotations: meta.annotations,
  };
}

/**
 * Ingress host matching: an exact name matches itself; `*.foo.com` matches exactly one extra label
 * (`bar.foo.com`, not `baz.bar.foo.com` nor `foo.com`). Unlike Gateway API, where it matches one or more.
 */
export function ingressHostMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith("*.")) return pattern === host;
  if (host.startsWith("*.")) return host === pattern;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot) === pattern.slice(1);
}

/** Whether the Ingress serves this rule host (undefined: every host) over TLS. */
export function ingressTlsCovers(ingress: Ingress, host: string | undefined): boolean {
  return ingress.tls.some(
    (t) =>
      t.hosts.length === 0 || (host !== undefined && t.hosts.some((h) => h === host || ingressHostMatches(h, host))),
  );
}
