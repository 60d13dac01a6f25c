// The headline's sentence in plain words, for a reader who is not a Kubernetes networking expert and has
// ten seconds: "This PR makes db in namespace shop reachable from the internet on port 5432 (postgres)
// through the load balancer db-external". Worded from the finding's typed data (and, for a new exposure,
// the exposure it names), never by parsing its message; short enough for two lines of a comment.
import type { Exposure } from "../analysis/exposure/index.js";
import { RULES } from "../rules/index.js";
import { formatMessage, type Finding, type MessageValue } from "../rules/rule.js";
import type { DiffResult } from "../rules/judge.js";
import { entryKey, portLabel, splitId } from "./names.js";

/** About two lines of a comment's headline at GitHub's width (with the severity before it). */
const HEADLINE_CHARS = 115;

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

/** `ns/Kind/name` in plain words: `db in namespace shop`, `Service api in namespace shop`, `ClusterRole admin`. */
export function plainObject(id: string): string {
  if (id === "kube-apiserver") return "the API server";
  const p = splitId(id);
  const what = p.kind && !WORKLOAD_KINDS.has(p.kind) ? `${p.kind} ${p.name}` : p.name;
  return p.namespace ? `${what} in namespace ${p.namespace}` : what;
}

const ID = /^[^/\s]+\/[A-Z][A-Za-z]*\/[^/\s]+$/;
const plainValue = (v: MessageValue): string =>
  Array.isArray(v)
    ? v.map((x) => (ID.test(x) ? plainObject(x) : x)).join(", ")
    : ID.test(`${v}`)
      ? plainObject(`${v}`)
      : `${v}`;

/** `port 5432 (postgres)`, `UDP port 53 (dns)`. */
function plainPort(protocol: string, port: number): string {
  const label = portLabel("TCP", port);
  const name = label.includes("/") ? ` (${label.split("/")[0]})` : "";
  return `${protocol === "TCP" ? "" : `${protocol} `}port ${port}${name}`;
}

/** The way in, in plain words: `the load balancer db-external`, `a host port on every node`, `the Ingress shop.example.com/`. */
function plainEntry(e: Exposure): string {
  const v = e.via;
  const name = splitId(v.ref).name;
  switch (v.kind) {
    case "LoadBalancer":
      return `the load balancer ${name}`;
    case "NodePort":
      return `a node port of ${name} on every node`;
    case "ExternalIP":
      return `the external IP ${v.host ?? ""} of ${name}`.replace("IP  of", "IP of");
    case "HostPort":
      return "a host port on every node";
    case "HostNetwork":
      return "the host network of every node";
    case "Gateway":
      return `the Gateway listener ${v.host ?? "*"}${v.path ?? ""}`;
    default:
      return v.host ? `the ${v.kind} ${v.host}${v.path ?? ""}` : `the ${v.kind} ${name} for every host`;
  }
}

/** The exposure a new-exposure finding names (by its key), from head. */
function exposureOf(r: DiffResult, f: Finding): Exposure | undefined {
  const [entry, port] = f.key ?? [];
  return r.exposures
    .map((x) => x.head)
    .find((e) => e && entryKey(e) === entry && `${e.protocol}/${e.port}` === port && e.workload === f.objects[0])!;
}

/** One finding as a plain sentence that fits the headline. */
export function plainFinding(r: DiffResult, f: Finding): string {
  const e = f.messageId.startsWith("exposed") ? exposureOf(r, f) : undefined;
  if (e) {
    const who = plainObject(e.workload);
    const where = `on ${plainPort(e.protocol, e.port)} through ${plainEntry(e)}`;
    if (f.messageId === "exposed") return `this PR makes ${who} reachable from the internet ${where}`;
    if (f.messageId === "exposedRanges")
      return `this PR makes ${who} reachable from ${plainValue(f.data.ranges)} ${where}`;
    // On the nodes' own addresses: the port a client uses is the node's.
    const kind = e.via.kind === "NodePort" ? "node port" : "host port";
    const port = e.via.entryPort ?? (e.via.kind === "NodePort" ? "(allocated)" : e.port);
    return `this PR makes ${who} reachable on ${kind} ${port} of every node, from the internet if nodes are public`;
  }
  const template = RULES.find((x) => x.id === f.rule)?.messages[f.messageId];
  if (template === undefined) return f.message;
  // Where a dependency is declared is in the findings table; the headline keeps the sentence.
  const sentence = template.replace(/ \(\{\{declared\}\}\)/g, "");
  const data = Object.fromEntries(Object.entries(f.data).map(([k, v]) => [k, plainValue(v)]));
  const full = formatMessage(sentence, data);
  if (full.length <= HEADLINE_CHARS) return full;
  // Too long: without its parenthesised details, then only the clause before the first colon (what
  // happens; why is in the findings table).
  const bare = formatMessage(sentence.replace(/ \([^()]*\{\{\w+\}\}[^()]*\)/g, ""), data);
  if (bare.length <= HEADLINE_CHARS) return bare;
  const cut = formatMessage(sentence.split(/: /)[0], data);
  return cut.length <= HEADLINE_CHARS ? cut : `${cut.slice(0, HEADLINE_CHARS - 1).trimEnd()}…`;
}
