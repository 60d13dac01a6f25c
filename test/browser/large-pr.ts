// A larger pull request, generated: a shop's checkout launched at once, 15 workloads over three
// namespaces (storefront, payments, data), each namespace denying ingress by default before and after,
// the new workloads admitted by named peers and ports, the storefront behind a public load balancer
// and an Ingress, and one database left open to the office range.
import type { DiffResult } from "../../src/rules/judge.js";
import { clusterOf, deployment, diff, namespaceObj } from "../helpers/report.js";

type Obj = Record<string, unknown>;

const statefulSet = (namespace: string, name: string, port: number): Obj => {
  const d = deployment(namespace, name, name, port) as { spec: Obj };
  return { ...d, kind: "StatefulSet", spec: { ...d.spec, serviceName: name } };
};

const svc = (namespace: string, name: string, port: number, type = "ClusterIP", extra: Obj = {}): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace },
  spec: { type, selector: { app: name }, ports: [{ name: "http", port, targetPort: "http" }], ...extra },
});

const denyAll = (namespace: string): Obj => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "default-deny", namespace },
  spec: { podSelector: {}, policyTypes: ["Ingress"] },
});

/** `app` in `namespace` admits each of `from` ("ns/app", or a CIDR) on `port`. */
const allow = (namespace: string, app: string, port: number, from: readonly string[]): Obj => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: `${app}-ingress`, namespace },
  spec: {
    podSelector: { matchLabels: { app } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: from.map((f) => {
          if (f.includes("/") && /\d/.test(f[0])) return { ipBlock: { cidr: f } };
          const [ns, peer] = f.split("/");
          return {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
            podSelector: { matchLabels: { app: peer } },
          };
        }),
        ports: [{ protocol: "TCP", port }],
      },
    ],
  },
});

const WORKLOADS: readonly [namespace: string, name: string, port: number, from: readonly string[]][] = [
  ["storefront", "web", 8080, ["0.0.0.0/0"]],
  ["storefront", "cart", 8080, ["storefront/web"]],
  ["storefront", "catalog", 8080, ["storefront/web"]],
  ["storefront", "search", 8080, ["storefront/web"]],
  ["storefront", "checkout", 8080, ["storefront/web", "storefront/cart"]],
  ["payments", "payments-api", 8443, ["storefront/checkout"]],
  ["payments", "fraud", 8080, ["payments/payments-api"]],
  ["payments", "ledger", 8080, ["payments/payments-api", "payments/refunds"]],
  ["payments", "refunds", 8080, ["payments/payments-api"]],
  ["payments", "notifier", 8080, ["payments/ledger"]],
  ["data", "postgres", 5432, ["payments/ledger", "payments/refunds", "203.0.113.0/24"]],
  ["data", "redis", 6379, ["storefront/cart", "storefront/checkout"]],
  ["data", "kafka", 9092, ["payments/notifier", "payments/ledger"]],
  ["data", "elasticsearch", 9200, ["storefront/search"]],
  ["data", "mongodb", 27017, ["storefront/catalog"]],
];

export function largePullRequest(): DiffResult {
  const base: Obj[] = [];
  for (const ns of ["storefront", "payments", "data"]) base.push(namespaceObj(ns), denyAll(ns));
  const head: Obj[] = [...base];
  for (const [ns, name, port, from] of WORKLOADS) {
    head.push(
      ns === "data" ? statefulSet(ns, name, port) : deployment(ns, name, name, port),
      svc(ns, name, port),
      allow(ns, name, port, from),
    );
  }
  head.push(svc("storefront", "web-public", 443, "LoadBalancer", { selector: { app: "web" } }));
  return diff(clusterOf(base, "k8s/base.yaml"), clusterOf(head, "k8s/checkout.yaml"));
}
