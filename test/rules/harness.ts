// The per-rule test harness: base and head as small inline manifests, run through the real parser,
// model, exposure analysis and rules; a test asserts which findings one rule gives.
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { type Diagnostic, Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Finding } from "../../src/rules/rule.js";
import type { Cluster } from "../../src/model/types.js";
import { diffClusters } from "../../src/review/review.js";

export interface Side {
  readonly yaml: string;
  /** Diagnostics the side's reading produced besides the parser's (e.g. a failed render). */
  readonly diagnostics?: readonly Diagnostic[];
}

function cluster(side: string | Side, file: string): Cluster {
  const s = typeof side === "string" ? { yaml: side } : side;
  const diagnostics = new Diagnostics();
  for (const d of s.diagnostics ?? []) diagnostics.add(d);
  return buildCluster(parseManifestText(file, s.yaml, diagnostics), {}, diagnostics);
}

/** Every finding of the real analysis of base -> head. */
export function analyse(base: string | Side, head: string | Side, config: Partial<Config> = {}): Finding[] {
  return diffClusters(
    cluster(base, "base.yaml"),
    cluster(head, "head.yaml"),
    { ...defaultConfig(), ...config },
    exposureOf,
  ).findings as Finding[];
}

/** The findings of one rule. */
export function findingsOf(rule: string, base: string | Side, head: string | Side, config: Partial<Config> = {}) {
  return analyse(base, head, config).filter((f) => f.rule === rule);
}

/** Manifests joined as one multi-document stream. */
export const docs = (...parts: string[]) => parts.map((p) => p.trim()).join("\n---\n");

export function namespace(name: string): string {
  return `
apiVersion: v1
kind: Namespace
metadata: {name: ${name}}`;
}

/** A Deployment `name` in `ns` whose pods carry app: <app> and serve container port `port` named http. */
export function deployment(ns: string, name: string, options: { app?: string; port?: number } = {}): string {
  const app = options.app ?? name;
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/${name}:1
          ports: [{name: http, containerPort: ${options.port ?? 8080}}]`;
}

/** A Service `name` in `ns` selecting app: <app>, port `port` -> targetPort http. */
export function service(
  ns: string,
  name: string,
  options: {
    app?: string;
    type?: "ClusterIP" | "NodePort" | "LoadBalancer";
    port?: number;
    nodePort?: number;
    sourceRanges?: string[];
    externalIPs?: string[];
    annotations?: Record<string, string>;
    /** false: a LoadBalancer without node ports (so only the load balancer is an entry point). */
    nodePorts?: boolean;
  } = {},
): string {
  const lines = [
    "apiVersion: v1",
    "kind: Service",
    `metadata: {name: ${name}, namespace: ${ns}${options.annotations ? `, annotations: ${JSON.stringify(options.annotations)}` : ""}}`,
    "spec:",
    `  type: ${options.type ?? "ClusterIP"}`,
    `  selector: {app: ${options.app ?? name}}`,
    `  ports: [{port: ${options.port ?? 80}, targetPort: http${options.nodePort ? `, nodePort: ${options.nodePort}` : ""}}]`,
  ];
  if (options.sourceRanges) lines.push(`  loadBalancerSourceRanges: ${JSON.stringify(options.sourceRanges)}`);
  if (options.nodePorts === false) lines.push("  allocateLoadBalancerNodePorts: false");
  if (options.externalIPs) lines.push(`  externalIPs: ${JSON.stringify(options.externalIPs)}`);
  return lines.join("\n");
}

/** The ingress-nginx controller (namespace ingress-nginx, the default config's controller). */
export const INGRESS_CONTROLLER = docs(
  namespace("ingress-nginx"),
  `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
  template:
    metadata: {labels: {app.kubernetes.io/name: ingress-nginx}}
    spec:
      containers:
        - name: controller
          image: registry.example.com/ingress-nginx:1
          ports: [{name: http, containerPort: 80}, {name: https, containerPort: 443}]`,
);

/** Deny all ingress and egress in `ns`, then allow DNS: the usual locked-down namespace. */
export function lockedDown(ns: string): string {
  return docs(
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: ${ns}}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]`,
    `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: ${ns}}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
          podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]`,
  );
}
