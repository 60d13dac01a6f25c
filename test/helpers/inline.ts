// Inline manifests for the declared-dependency tests: a pull request's two sides as YAML text, run
// through the real parser, model, analysis and rules.
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Cluster } from "../../src/model/types.js";

export function model(yaml: string, file = "app.yaml"): Cluster {
  const diagnostics = new Diagnostics();
  return buildCluster(parseManifestText(file, yaml, diagnostics), {}, diagnostics);
}

export function findings(base: string, head: string, rule?: string) {
  const r = diffClusters(model(base, "base.yaml"), model(head, "head.yaml"), defaultConfig(), exposureOf);
  return rule ? r.findings.filter((f) => f.rule === rule) : r.findings;
}

export const docs = (...parts: string[]) => parts.map((p) => p.trim()).join("\n---\n");

/** A Deployment whose pods carry app: <name>, serve `port`, and have the given container fields (YAML, indented 8). */
export function deployment(ns: string, name: string, port: number, container = ""): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: main
        image: example/${name}
        ports: [{name: grpc, containerPort: ${port}}]
${container}`;
}

export function service(ns: string, name: string, port: number, targetPort: number | string = "grpc"): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {app: ${name}}
  ports: [{name: grpc, port: ${port}, targetPort: ${targetPort}}]`;
}

/** Egress of `app` in `ns` limited to DNS: every other call it makes is denied. */
export function egressOnlyDns(ns: string, app: string): string {
  return `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${app}-egress, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: ${app}}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]`;
}

/** Ingress of `app` in `ns` denied to everyone. */
export function denyIngress(ns: string, app: string): string {
  return `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${app}-ingress, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: ${app}}}
  policyTypes: [Ingress]`;
}
