// How the review names things (raw, unescaped): workloads as ns/Kind/name, Services also by their DNS
// name, entry points by the address a client uses, outside peers by their address blocks.
import type { ConnectionChange } from "../analysis/diff.js";
import type { Exposure } from "../analysis/exposure/index.js";
import type { ExposureChange, ExposureDelta } from "../analysis/exposure-diff.js";
import type { Dependency } from "../model/types.js";
import type { ConnSet } from "../core/port-set.js";
import { describeAddresses } from "./addresses.js";

const CLUSTER_DOMAIN = "cluster.local";

/** `ns/Kind/name` -> its parts; a bare name is taken as the name. */
export function splitId(id: string): { namespace?: string; kind?: string; name: string } {
  const parts = id.split("/");
  if (parts.length >= 3) return { namespace: parts[0], kind: parts[1], name: parts.slice(2).join("/") };
  if (parts.length === 2) return { kind: parts[0], name: parts[1] };
  return { name: id };
}

/** `web.shop.svc.cluster.local` for `shop/Service/web` (or `web` with the namespace given). */
export function serviceDns(ref: string, namespace?: string): string | undefined {
  const p = splitId(ref);
  if (p.kind && p.kind !== "Service") return undefined;
  const ns = p.namespace ?? namespace;
  return ns ? `${p.name}.${ns}.svc.${CLUSTER_DOMAIN}` : undefined;
}

/** The Service behind an exposure, as an id, when there is one. */
export function exposureService(e: Exposure): string | undefined {
  const ns = splitId(e.workload).namespace;
  if (e.via.service)
    return e.via.service.includes("/") ? e.via.service : ns ? `${ns}/Service/${e.via.service}` : e.via.service;
  const ref = splitId(e.via.ref);
  return ref.kind === "Service" ? e.via.ref : undefined;
}

/** The address a client uses: `LoadBalancer :443`, `NodePort :30080`, `shop.example.com/api`, `listener https :443`. */
export function entryAddress(e: Exposure): string {
  const v = e.via;
  // A NodePort without a number is allocated by the cluster.
  const port =
    v.entryPort !== undefined ? `:${v.entryPort}` : v.kind === "NodePort" ? "(allocated port)" : `:${e.port}`;
  switch (v.kind) {
    case "LoadBalancer":
    case "NodePort":
      return `${v.kind} ${port}`;
    case "ExternalIP":
      return `${v.host ?? "external IP"} ${port}`;
    case "HostPort":
    case "HostNetwork":
      return `${v.host ?? ""}${port}`;
    case "ServiceExport":
      return `${v.host ?? "clusterset"}${port}`;
    case "Gateway":
      return `${v.host ?? "*"}${v.path ?? ""}${v.listener ? ` listener ${v.listener}` : ""}${v.entryPort ? ` :${v.entryPort}` : ""}`;
    default:
      return `${v.host ?? "*"}${v.path ?? ""}`;
  }
}

/** The entry point with the object that makes it: `LoadBalancer :443 of shop/Service/web`. */
export function entryLabel(e: Exposure): string {
  const v = e.via;
  if (v.kind === "LoadBalancer" || v.kind === "NodePort" || v.kind === "ExternalIP")
    return `${entryAddress(e)} of ${v.ref}`;
  // A port on the nodes belongs to the workload itself: `HostPort :6379 of cache/Deployment/redis`.
  if (v.kind === "HostPort" || v.kind === "HostNetwork") return `${v.kind} ${entryAddress(e)} of ${v.ref}`;
  return `${v.kind} ${entryAddress(e)} (${v.ref})`;
}

/** Identity of an entry point (several exposures may share one). */
export function entryKey(e: Exposure): string {
  const v = e.via;
  return JSON.stringify([v.kind, v.ref, v.entryPort ?? null, v.host ?? null, v.path ?? null, v.listener ?? null]);
}

/** A side of a connection change: the workload id, or `outside <blocks>`. */
export function peer(c: ConnectionChange, side: "from" | "to"): string {
  const id = c[side];
  return id === "ip:" ? `outside ${describeAddresses(c.addresses ?? [])}` : id;
}

/** True when the blocks are every address of their families (the whole internet). */
export function isEverywhere(c: ConnectionChange): boolean {
  const d = describeAddresses(c.addresses ?? []);
  return d === "0.0.0.0/0" || d === "::/0" || d === "0.0.0.0/0, ::/0";
}

/** What a connection change does to ports: `TCP 5432`, or `TCP 80 → TCP 80,443`. */
export function portsChange(c: ConnectionChange): string {
  return c.change === "added" ? `${c.head}` : c.change === "removed" ? `${c.base}` : `${c.base} → ${c.head}`;
}

/** One typed exposure change in words: `TLS dropped`, `sources 0.0.0.0/0 -> 203.0.113.0/24`, `now blocked by ...`. */
export function describeDelta(d: ExposureDelta): string {
  switch (d.kind) {
    case "tls-dropped":
      return "TLS dropped";
    case "tls-added":
      return "TLS added";
    case "sources-changed":
      return `sources ${d.from.join(", ") || "none"} -> ${d.to.join(", ") || "none"}`;
    case "now-blocked":
      return `now blocked by ${d.by}`;
    case "no-longer-blocked":
      return `no longer blocked (was blocked by ${d.was})`;
    case "now-internal":
      return "now internal only";
    case "now-internet-facing":
      return "now internet-facing";
  }
}

/** What a reviewer is told about an exposure change beside its entry: its deltas, what blocks it, its caveats. */
export function exposureState(x: ExposureChange): string[] {
  const e = (x.head ?? x.base)!;
  const blockedSaid = x.deltas.some((d) => d.kind === "now-blocked" || d.kind === "no-longer-blocked");
  return [
    ...x.deltas.map(describeDelta),
    ...(e.blockedBy && !blockedSaid ? [`blocked by ${e.blockedBy}`] : []),
    ...e.notes,
  ];
}

/** A caller of a declared dependency: the workload's name (`grafana`), or the API server. */
export function callerName(id: string): string {
  return id === "kube-apiserver" ? "the API server" : splitId(id).name;
}

/** Where a dependency is declared, briefly: `grafana-datasources, line 22`, `env PAYMENT_SERVICE_ADDR, line 369`. */
export function declarationName(d: Dependency): string {
  const at = `line ${d.declared.line}`;
  if (d.via === "ConfigMap" || d.via === "Secret") return `${splitId(d.declared.object).name}, ${at}`;
  if (d.via === "env" || d.via === "args" || d.via === "command") return `${d.declared.field}, ${at}`;
  return `${d.via} ${splitId(d.declared.object).name}, ${at}`;
}

/** What a declared dependency is to its caller: `its data source prometheus-k8s.monitoring.svc:9090`. */
export function dependencyName(d: Dependency): string {
  return d.role === "service" ? d.address : `its ${d.role} ${d.address}`;
}

// IANA service names of ports a reviewer knows by name (the sensitive ones most of all).
const PORT_NAMES: Readonly<Record<number, string>> = {
  22: "ssh",
  25: "smtp",
  53: "dns",
  80: "http",
  443: "https",
  1433: "mssql",
  1521: "oracle",
  2379: "etcd",
  3306: "mysql",
  3389: "rdp",
  5432: "postgres",
  5672: "amqp",
  6379: "redis",
  6443: "kube-api",
  9092: "kafka",
  9200: "elasticsearch",
  11211: "memcached",
  27017: "mongodb",
};

/** `postgres/5432`, `8080`, `dns/53 udp`: short enough for an edge label. */
export function portLabel(protocol: string, port: number | string): string {
  const name = typeof port === "number" ? PORT_NAMES[port] : undefined;
  const p = name ? `${name}/${port}` : `${port}`;
  return protocol === "TCP" ? p : `${p} ${protocol.toLowerCase()}`;
}

/** A connection set as short port labels: `postgres/5432, 8080`, `all ports`. */
export function connsLabel(c: ConnSet): string {
  if (c.isAll()) return "all ports";
  const out: string[] = [];
  for (const protocol of ["TCP", "UDP", "SCTP"] as const) {
    const set = c.get(protocol);
    if (set.isEmpty()) continue;
    if (set.isAll()) {
      out.push(`all ${protocol.toLowerCase()}`);
      continue;
    }
    for (const [a, b] of set.toJSON()) out.push(portLabel(protocol, a === b ? a : `${a}-${b}`));
  }
  return out.length > 3 ? `${out.slice(0, 3).join(", ")} +${out.length - 3}` : out.join(", ") || "no ports";
}
