// Shared helpers of the report tests: real diffs built by the real analysis, an exposure function
// small enough to trust (LoadBalancer/NodePort Services and Ingress rules), and the real Mermaid
// parser running under jsdom.
import { join, resolve } from "node:path";
import type { ExposureFn } from "../../src/analysis/analyze.js";
import type { DiffResult } from "../../src/rules/judge.js";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import type { BrokenRoute, Exposure } from "../../src/analysis/exposure/index.js";
import { defaultConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Cluster, Service, ServicePort, Workload } from "../../src/model/types.js";
import { loadSide } from "../../src/snapshot.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DEMO = join(ROOT, "fixtures/demo");

const selects = (s: Service, w: Workload) =>
  !!s.selector && w.namespace === s.namespace && Object.entries(s.selector).every(([k, v]) => w.labels[k] === v);
const targetPort = (w: Workload, p: ServicePort) =>
  typeof p.targetPort === "number" ? p.targetPort : w.ports.find((c) => c.name === p.targetPort)?.containerPort;

/**
 * A deliberately small exposure model (the real one is src/analysis/exposure.ts): every LoadBalancer /
 * NodePort Service port and every Ingress path reaches the pods its Service selects. It copies
 * annotations test/host, test/note and test/blocked-by into the exposure verbatim, so hostile text
 * reaches every field of an Exposure whatever the real model accepts.
 */
export function testExposures(cluster: Cluster, _config?: Config): { exposures: Exposure[]; broken: BrokenRoute[] } {
  const out: Exposure[] = [];
  for (const s of cluster.services) {
    if (s.type !== "LoadBalancer" && s.type !== "NodePort") continue;
    for (const w of cluster.workloads.filter((w) => selects(s, w)))
      for (const p of s.ports) {
        const port = targetPort(w, p);
        if (!port) continue;
        const entryPort = s.type === "NodePort" ? (p.nodePort ?? 30000 + port) : p.port;
        const internal = Object.entries(s.annotations).some(
          ([k, v]) => k.endsWith("load-balancer-internal") && v === "true",
        );
        out.push({
          workload: w.id,
          protocol: p.protocol,
          port,
          via: { kind: s.type, ref: s.id, service: s.id, entryPort, internal, host: s.annotations["test/host"] },
          sources: s.loadBalancerSourceRanges.length ? [...s.loadBalancerSourceRanges] : ["0.0.0.0/0"],
          blockedBy: s.annotations["test/blocked-by"] ?? null,
          file: s.source.file,
          line: s.source.line,
          notes: s.annotations["test/note"] ? [s.annotations["test/note"]] : [],
        });
      }
  }
  for (const o of cluster.ingresses) {
    const tlsHosts = new Set(o.tls.flatMap((t) => t.hosts));
    for (const rule of o.rules)
      for (const path of rule.paths) {
        const backend = path.backend.type === "service" ? path.backend : undefined;
        const s = cluster.services.find((x) => x.namespace === o.namespace && x.name === backend?.name);
        const p = s?.ports.find((x) =>
          typeof backend?.port === "string" ? x.name === backend.port : x.port === backend?.port,
        );
        if (!s || !p) continue;
        for (const w of cluster.workloads.filter((w) => selects(s, w))) {
          const port = targetPort(w, p);
          if (!port) continue;
          out.push({
            workload: w.id,
            protocol: "TCP",
            port,
            via: {
              kind: "Ingress",
              ref: o.id,
              service: s.id,
              host: rule.host,
              path: path.path,
              tls: !!rule.host && tlsHosts.has(rule.host),
            },
            sources: ["0.0.0.0/0"],
            blockedBy: null,
            file: o.source.file,
            line: o.source.line,
            notes: [],
          });
        }
      }
  }
  return { exposures: out, broken: [] };
}

/** A cluster from manifest text, through the real parser and model. */
export function cluster(text: string, file = "manifests.yaml"): Cluster {
  const diagnostics = new Diagnostics();
  return buildCluster(parseManifestText(file, text, diagnostics), {}, diagnostics);
}

/**
 * A Deployment of namespace shop named `name` behind a LoadBalancer Service that selects `app: web`:
 * `renamedBehindLoadBalancer("web")` and `("web-v2")` are a rename and nothing else. `extra` adds a port
 * to both the pods (metrics, 9090) and the Service.
 */
export function renamedBehindLoadBalancer(name: string, extra = ""): Cluster {
  return cluster(`apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: main, image: "web:1", ports: [{name: http, containerPort: 8080}${extra ? ", {name: metrics, containerPort: 9090}" : ""}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}${extra}]}`);
}

/** The real analysis, with the real exposure model unless told otherwise. */
export function diff(
  base: Cluster,
  head: Cluster,
  config: Config = defaultConfig(),
  exposure: ExposureFn = exposureOf,
): DiffResult {
  return diffClusters(base, head, config, exposure);
}

/** The demo pull request (fixtures/demo), analysed for real. */
export function demoResult(): DiffResult {
  return diff(loadSide(join(DEMO, "base")), loadSide(join(DEMO, "head")));
}

// Mermaid needs a DOM (DOMPurify hooks) before it is imported; load it once per test file.
let mermaidPromise: Promise<{ parse(text: string): Promise<unknown> }> | undefined;

async function loadMermaid() {
  const { JSDOM } = await import("jsdom");
  const { window } = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  const g = globalThis as Record<string, unknown>;
  for (const key of [
    "window",
    "document",
    "navigator",
    "Element",
    "HTMLElement",
    "SVGElement",
    "Node",
    "DOMParser",
    "MutationObserver",
  ])
    if (g[key] === undefined) g[key] = key === "window" ? window : (window as unknown as Record<string, unknown>)[key];
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  return mermaid;
}

/** Parses a diagram with the real Mermaid; throws on any syntax error (or the 500-edge limit). */
export async function parseMermaid(text: string): Promise<void> {
  mermaidPromise ??= loadMermaid();
  const mermaid = await mermaidPromise;
  await mermaid.parse(text);
}

/** The parsed diagram's vertices, edges and subgraphs, as Mermaid sees them. */
export async function mermaidModel(text: string): Promise<{
  vertices: Map<string, { id: string; text?: string; link?: string; classes?: string[] }>;
  edges: { start: string; end: string; text?: string; stroke?: string; type?: string }[];
  subgraphs: { id: string; title: string; nodes: string[] }[];
}> {
  mermaidPromise ??= loadMermaid();
  const mermaid = (await mermaidPromise) as unknown as {
    mermaidAPI: {
      getDiagramFromText(
        t: string,
      ): Promise<{ db: { getVertices(): Map<string, never>; getEdges(): never[]; getSubGraphs(): never[] } }>;
    };
  };
  const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
  return { vertices: db.getVertices(), edges: db.getEdges(), subgraphs: db.getSubGraphs() };
}

/** What a label says once Mermaid renders its entity codes (#quot;, #35;, ...). */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: "&", lt: "<", gt: ">", nbsp: "\u00A0" };
  // Mermaid's parser keeps them as ﬂ°code¶ß until it renders.
  return text.replace(/(?:#|ﬂ°°?)(\d+|[a-z]+)(?:;|¶ß)/g, (m, code: string) =>
    /^\d+$/.test(code) ? String.fromCodePoint(Number(code)) : (named[code] ?? m),
  );
}

// ----- Synthetic inputs -----

type Obj = Record<string, unknown>;
const meta = (name: string, namespace?: string, extra: Obj = {}) => ({
  name,
  ...(namespace === undefined ? {} : { namespace }),
  ...extra,
});

export function namespaceObj(name: string): Obj {
  return { apiVersion: "v1", kind: "Namespace", metadata: meta(name) };
}

export function deployment(namespace: string, name: string, app: string, port = 8080): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(name, namespace),
    spec: {
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: { containers: [{ name: "c", image: "x", ports: [{ name: "http", containerPort: port }] }] },
      },
    },
  };
}

export function service(
  namespace: string,
  name: string,
  app: string,
  options: { type?: string; port?: number; annotations?: Record<string, string> } = {},
): Obj {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name, namespace, options.annotations ? { annotations: options.annotations } : {}),
    spec: {
      type: options.type ?? "ClusterIP",
      selector: { app },
      ports: [{ name: "http", port: options.port ?? 80, targetPort: "http" }],
    },
  };
}

function ingress(namespace: string, name: string, host: string, path: string, serviceName: string, tls = false): Obj {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(name, namespace),
    spec: {
      ...(tls ? { tls: [{ hosts: [host], secretName: "tls" }] } : {}),
      rules: [
        {
          host,
          http: {
            paths: [{ path, pathType: "Prefix", backend: { service: { name: serviceName, port: { name: "http" } } } }],
          },
        },
      ],
    },
  };
}

/** A NetworkPolicy on pods `app` admitting `from` (null: nothing; "*": every pod of the namespace; a label value; or a CIDR with a slash). */
export function policy(namespace: string, name: string, app: string | null, from: readonly string[]): Obj {
  const peers = from.map((f) =>
    f.includes("/")
      ? { ipBlock: { cidr: f } }
      : f === "*"
        ? { podSelector: {} }
        : { podSelector: { matchLabels: { app: f } } },
  );
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(name, namespace),
    spec: {
      podSelector: app ? { matchLabels: { app } } : {},
      policyTypes: ["Ingress"],
      ingress: peers.length ? [{ from: peers }] : [],
    },
  };
}

/** Objects -> a cluster, written as JSON (any string survives) and read by the real parser and model. */
export function clusterOf(objects: readonly Obj[], file = "manifests.yaml"): Cluster {
  return cluster(objects.map((o) => JSON.stringify(o)).join("\n---\n"), file);
}

/** Strings a manifest author could use to attack the comment or the diagram. */
export const HOSTILE = [
  '"',
  'a"b',
  "end",
  "END",
  "subgraph",
  "%%{init: {'theme':'dark', 'securityLevel':'loose'}}%%",
  'click n1 "javascript:alert(1)"',
  "click n1 call alert()",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "`",
  "```",
  "a|b",
  "@org/team",
  "@here",
  "line\nbreak",
  "\r\n\t",
  "ü🚀中文",
  "\u202Eevil\u202C",
  "#1",
  "&amp; &#64; &lt;",
  "#quot; #35;",
  "[x](https://evil.example)",
  "![img](https://evil.example/x.png)",
  "*bold* _it_ ~~s~~",
  "-->",
  "==>",
  "-.->",
  ";",
  "{",
  "}",
  "()",
  "1. list",
  "\\",
  "\u0000\u0007",
  "style n1 fill:red",
  "linkStyle 0 stroke:red",
  "classDef x fill:red",
  "www.evil.example",
  "https://evil.example/x",
  "</details>",
  "<!--",
  "$x$",
  "\uD800",
];

export interface HostileText {
  readonly namespace: string;
  readonly client: string;
  readonly server: string;
  readonly service: string;
  readonly host: string;
  readonly path: string;
  readonly note: string;
  readonly file: string;
}

/**
 * A real diff whose every name, host, path, annotation and file name is attacker-chosen: a new
 * NetworkPolicy rule (client -> server and the internet -> server), a new LoadBalancer Service with
 * a note, a new Ingress rule, a workload removed, and an unreadable object.
 */
export function hostileDiff(t: HostileText, exposure: ExposureFn = testExposures): DiffResult {
  const ns = t.namespace;
  const common = [
    namespaceObj(ns),
    deployment(ns, t.client, "b"),
    deployment(ns, t.server, "a"),
    service(ns, `${t.service}-internal`, "a"),
  ];
  const base = clusterOf(
    [
      ...common,
      policy(ns, t.service, "a", []),
      deployment(ns, `${t.client}-old`, "c", 9000),
      deployment("other", t.client, "a"),
    ],
    `${t.file}.yaml`,
  );
  const head = clusterOf(
    [
      ...common,
      policy(ns, t.service, "a", ["b", "0.0.0.0/0"]),
      service(ns, t.service, "a", {
        type: "LoadBalancer",
        annotations: { "test/note": t.note, "test/host": t.host, "test/blocked-by": `${ns}/NetworkPolicy/${t.client}` },
      }),
      ingress(ns, t.service, t.host, t.path, `${t.service}-internal`),
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: t.note, namespace: ns }, spec: "not an object" },
    ],
    `${t.file}.yaml`,
  );
  return diff(base, head, defaultConfig(), exposure);
}

/** `namespaces` x `workloads`: every workload gets a LoadBalancer, and same-namespace traffic opens up. */
export function bigDiff(namespaces: number, workloads: number): DiffResult {
  const base: Record<string, unknown>[] = [];
  const head: Record<string, unknown>[] = [];
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    base.push(namespaceObj(ns), policy(ns, "deny", null, []));
    head.push(namespaceObj(ns), policy(ns, "deny", null, []), policy(ns, "same-namespace", null, ["*"]));
    for (let w = 0; w < workloads; w++) {
      const d = deployment(ns, `app-${w}`, `app-${w}`);
      base.push(d);
      head.push(d, service(ns, `lb-${w}`, `app-${w}`, { type: "LoadBalancer" }));
    }
  }
  return diff(clusterOf(base), clusterOf(head));
}
