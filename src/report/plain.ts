// What a reviewer reads first, in plain words, for a reader who is not a Kubernetes networking expert
// and has ten seconds: the headline ("This PR makes db in namespace shop reachable from the internet on
// port 5432 (postgres) through the load balancer db-external") and each row of the comment's and the
// HTML report's findings table ("api in namespace pay can now reach ledger-v2 on port 9090").
// Worded from the finding's typed data, never by parsing its message: its rule's message template, its
// data values in the shapes the rules give them (an id, `outside <blocks>`, a port set as ConnSet prints
// it, a peer with its ports), and, for a finding about an entry point, the exposure its key names.
// Workloads are named without their kind, other kinds with it (Service db-external); a namespace once
// when everything in the sentence shares it, or not at all under a row's lead that said it; ports with
// their well-known name (names.ts).
// Decision, exactness: full ids stay where a security engineer looks for them. The findings table's
// Where cell is the file and line (a link); the comment's Exposure and Reachability details name every
// object by its full id (ns/Kind/name), so the comment keeps them once, there, and not again in the
// table; the check run (github/check-text.ts), SARIF, the JSON output and the CLI's text findings keep
// each finding's message with full ids, its rule id and its data. Plain words drop only a workload's
// kind, which the link and those details give.
import type { Exposure } from "../analysis/exposure/index.js";
import type { ConnectionChange } from "../analysis/diff.js";
import { ConnSet, PortSet, PROTOCOLS, type Protocol } from "../core/port-set.js";
import { RULES } from "../rules/index.js";
import { formatMessage, type Finding, type MessageValue } from "../rules/rule.js";
import type { DiffResult } from "../rules/judge.js";
import { describeAddresses } from "./addresses.js";
import { entryKey, portLabel, splitId } from "./names.js";

/** About two lines of a comment's headline at GitHub's width (with the severity before it). */
const HEADLINE_CHARS = 115;
/** A whole headline that still fits two lines at 746 px (about 145 characters do, measured in Chromium). */
export const HEADLINE_LINE_CHARS = 140;

// Kinds a reader knows as "the app": named without their kind.
const WORKLOAD_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Pod",
  "Job",
  "CronJob",
  "DeploymentConfig",
]);

/**
 * `ns/Kind/name` in plain words: `db in namespace shop`, `Service api in namespace shop`, `ClusterRole
 * admin`; without the namespace when it is `said` already (`db`).
 */
export function plainObject(id: string, said?: string): string {
  if (id === "kube-apiserver") return "the API server";
  const p = splitId(id);
  const what = p.kind && !WORKLOAD_KINDS.has(p.kind) ? `${p.kind} ${p.name}` : p.name;
  return p.namespace && p.namespace !== said ? `${what} in namespace ${p.namespace}` : what;
}

/**
 * Names objects so that a namespace is said once: an id of the namespace every id in `ids` shares is
 * named with it the first time and bare after; one of a namespace `said` before (a row's lead) is bare;
 * any other with its namespace each time.
 */
export function plainNamer(ids: readonly string[], said?: string): (id: string) => string {
  const spaces = new Set(ids.map((id) => splitId(id).namespace ?? ""));
  const shared = spaces.size === 1 ? [...spaces][0] || undefined : undefined;
  let known = said;
  return (id) => {
    const ns = splitId(id).namespace;
    const named = plainObject(id, known);
    if (ns && ns === shared) known = shared;
    return named;
  };
}

/** `port 5432 (postgres)`, `UDP port 53 (dns)`. */
function plainPort(protocol: string, port: number): string {
  return `${protocol === "TCP" ? "" : `${protocol} `}port ${port}${portName(port)}`;
}

/** ` (postgres)` for a port a reviewer knows by name, else "". */
function portName(port: number): string {
  const label = portLabel("TCP", port);
  return label.includes("/") ? ` (${label.split("/")[0]})` : "";
}

/** A port set in plain words: `port 5432 (postgres)`, `ports 80 (http), 443 (https)`, `all UDP ports`, `all ports`. */
export function plainConns(c: ConnSet): string {
  if (c.isAll()) return "all ports";
  const parts: string[] = [];
  const every = PROTOCOLS.filter((p) => c.get(p).isAll());
  for (const protocol of PROTOCOLS) {
    const set = c.get(protocol);
    if (set.isEmpty() || set.isAll()) continue;
    const ranges = set.toJSON();
    if (ranges.length === 1 && ranges[0][0] === ranges[0][1]) {
      parts.push(plainPort(protocol, ranges[0][0]));
      continue;
    }
    const list = ranges.map(([a, b]) => (a === b ? `${a}${portName(a)}` : `${a}-${b}`));
    parts.push(`${protocol === "TCP" ? "" : `${protocol} `}ports ${list.join(", ")}`);
  }
  // `ports 1-6999, 7001-65535 and all UDP and SCTP ports`: one list, so that it can be an item of another.
  if (every.length) parts.push(`all ${every.join(" and ")} ports`);
  return parts.join(" and ") || "no ports";
}

// A port set as a rule's data gives it (ConnSet's own form: `TCP 80,443; UDP all`, `all ports`).
const CONNS =
  /^(?:all ports|(?:TCP|UDP|SCTP) (?:all|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)(?:; (?:TCP|UDP|SCTP) (?:all|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*))*)$/;
function connsOf(value: string): ConnSet {
  if (value === "all ports") return ConnSet.ALL;
  const parts: Partial<Record<Protocol, PortSet>> = {};
  for (const part of value.split("; ")) {
    const [protocol, spec] = part.split(" ") as [Protocol, string];
    parts[protocol] =
      spec === "all"
        ? PortSet.ALL
        : PortSet.of(
            spec
              .split(",")
              .map((r) => r.split("-").map(Number) as [number, number] | [number])
              .map(([a, b]) => [a, b ?? a]),
          );
  }
  return ConnSet.of(parts);
}

/** Outside addresses: `the internet (0.0.0.0/0)` when they are every address, else `outside addresses 10.0.0.0/8`. */
function plainOutside(blocks: string): string {
  const everywhere = blocks === "0.0.0.0/0" || blocks === "::/0" || blocks === "0.0.0.0/0, ::/0";
  return everywhere ? `the internet (${blocks})` : `outside addresses ${blocks}`;
}

/** A side of a connection change in plain words. */
export function plainPeer(c: ConnectionChange, side: "from" | "to", name: (id: string) => string): string {
  return c[side] === "ip:" ? plainOutside(describeAddresses(c.addresses ?? [])) : name(c[side]);
}

/** The way in, in plain words: `the load balancer db-external`, `a host port on every node`, `the Ingress shop.example.com/`. */
export function plainEntry(e: Exposure): string {
  const v = e.via;
  const name = splitId(v.ref).name;
  // The port a client uses, when it is not the pod's.
  const entryPort = v.entryPort !== undefined && v.entryPort !== e.port ? ` (port ${v.entryPort})` : "";
  switch (v.kind) {
    case "LoadBalancer":
      return `the load balancer ${name}${entryPort}`;
    case "NodePort":
      return v.entryPort === undefined
        ? `a node port of ${name} on every node`
        : `node port ${v.entryPort} of ${name} on every node`;
    case "ExternalIP":
      return `the external IP ${v.host ? `${v.host} ` : ""}of Service ${name}${entryPort}`;
    case "HostPort":
      return v.entryPort === undefined ? "a host port on every node" : `host port ${v.entryPort} on every node`;
    case "HostNetwork":
      return "the host network of every node";
    case "Gateway":
      return `the Gateway listener ${v.host ?? "*"}${v.path ?? ""}`;
    default:
      return v.host ? `the ${v.kind} ${v.host}${v.path ?? ""}` : `the ${v.kind} ${name} for every host`;
  }
}

/** The exposure a finding about an entry point names (by its key: the entry and the port), head's first. */
function exposureOf(r: DiffResult, f: Finding): Exposure | undefined {
  const [entry, port] = f.key ?? [];
  if (port === undefined) return undefined;
  for (const x of r.exposures) {
    if (x.environment !== f.environment) continue;
    for (const e of [x.head, x.base])
      if (e && entryKey(e) === entry && `${e.protocol}/${e.port}` === port && f.objects.includes(e.workload)) return e;
  }
  return undefined;
}

const ID = /^[^/\s]+\/[A-Z][A-Za-z]*\/[^/\s]+$/;
const isId = (v: string) => v === "kube-apiserver" || ID.test(v);
// A peer with its ports, as connections-removed lists them: `shop/Deployment/db (TCP 5432)`.
const WITH_PORTS = /^(.+) \(([^()]+)\)$/;
const isPeer = (v: string) => isId(v) || v.startsWith("outside ");

/** The ids a data value names (a list's items, a peer with its ports). */
function idsOf(v: MessageValue): string[] {
  return (Array.isArray(v) ? v : [`${v}`]).flatMap((x) => {
    const m = WITH_PORTS.exec(x);
    return isId(x) ? [x] : m && isId(m[1]) ? [m[1]] : [];
  });
}

/** One data value (or list item) in plain words: an object, outside addresses, a port set, a peer with its ports. */
function plainValue(v: string | number, name: (id: string) => string): string {
  if (typeof v === "number") return `${v}`;
  if (isId(v)) return name(v);
  const m = WITH_PORTS.exec(v);
  if (m && isPeer(m[1]) && CONNS.test(m[2])) return `${plainValue(m[1], name)} on ${plainConns(connsOf(m[2]))}`;
  if (v.startsWith("outside ")) return plainOutside(v.slice("outside ".length));
  if (CONNS.test(v)) return plainConns(connsOf(v));
  // A port on the nodes, as an address names it (`:30080`).
  if (/^:\d+$/.test(v)) return v.slice(1);
  return v;
}

const templateOf = (f: Finding): string | undefined => RULES.find((x) => x.id === f.rule)?.messages[f.messageId];

/** A template filled in plain words; `said`: the namespace the reader was told already. */
function fill(r: DiffResult, f: Finding, template: string, said?: string): string {
  const e = exposureOf(r, f);
  const data: Record<string, MessageValue> = e
    ? { ...f.data, entry: plainEntry(e), port: plainPort(e.protocol, e.port) }
    : { ...f.data };
  // A sentence that names its namespace itself (`selects no workload of namespace data`) needs it no more.
  const name = plainNamer(
    Object.values(f.data).flatMap(idsOf),
    typeof f.data.namespace === "string" ? f.data.namespace : said,
  );
  // `(port 5432 (postgres))` reads as `(port 5432, postgres)`.
  return formatMessage(template, data, (v) => plainValue(v, name)).replace(/\(([^()]*) \(([^()]*)\)\)/g, "($1, $2)");
}

/** One finding in plain words, whole, for a row of a findings table; `said`: the namespace the row's lead named. */
export function plainMessage(r: DiffResult, f: Finding, said?: string): string {
  const template = templateOf(f);
  return template === undefined ? f.message : fill(r, f, template, said);
}

/** Cut to the headline's length: whole when it fits, else up to the last word that does, with `…`. */
export function fitHeadline(text: string, chars = HEADLINE_CHARS): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1).trimEnd()}…`;
}

/** One finding as a plain sentence that fits the headline. */
export function plainFinding(r: DiffResult, f: Finding): string {
  const e = f.messageId.startsWith("exposed") ? exposureOf(r, f) : undefined;
  if (e) {
    const who = plainObject(e.workload);
    const where = `on ${plainPort(e.protocol, e.port)} through ${plainEntry(e)}`;
    if (f.messageId === "exposed") return `this PR makes ${who} reachable from the internet ${where}`;
    if (f.messageId === "exposedRanges")
      return `this PR makes ${who} reachable from ${[f.data.ranges].flat().join(", ")} ${where}`;
    // On the nodes' own addresses: the port a client uses is the node's.
    const kind = e.via.kind === "NodePort" ? "node port" : "host port";
    const port = e.via.entryPort ?? (e.via.kind === "NodePort" ? "(allocated)" : e.port);
    return `this PR makes ${who} reachable on ${kind} ${port} of every node, from the internet if nodes are public`;
  }
  const template = templateOf(f);
  if (template === undefined) return fitHeadline(f.message);
  // Where a dependency is declared is in the findings table; the headline keeps the sentence.
  const sentence = template.replace(/ \(\{\{declared\}\}\)/g, "");
  const full = fill(r, f, sentence);
  if (full.length <= HEADLINE_CHARS) return full;
  // Too long: without its parenthesised details, then only the clause before the first colon (what
  // happens; why is in the findings table), with its details if they fit.
  const without = sentence.replace(/ \([^()]*\{\{\w+\}\}[^()]*\)/g, "");
  const bare = fill(r, f, without);
  if (bare.length <= HEADLINE_CHARS) return bare;
  const clause = fill(r, f, sentence.split(/: /)[0]);
  return clause.length <= HEADLINE_CHARS ? clause : fitHeadline(fill(r, f, without.split(/: /)[0]));
}
