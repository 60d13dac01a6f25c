// Deterministic synthetic GitOps repositories shaped like real clusters, and three pull requests on
// each: one changed NetworkPolicy, one added LoadBalancer Service, one relabelled namespace.
//
// The shape follows /work/shared/realworld/README.md section D: namespaces with default-deny, an
// allow-dns and an allow-monitoring policy, per-app allow rules with pod and namespace selectors,
// matchExpressions, named ports, port ranges, ipBlocks (a /24 unique within the namespace, some with
// `except`), about a quarter of the policies selecting no pod (stale), Services of every type,
// Ingresses and Gateway API routes. Density is that of the measured real cluster scaled to
// workloads: 600 namespaces, ~14,000 NetworkPolicies and ~3,000 Services per 10,000 workloads.
import { linkSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Rng } from "./rng.ts";

export interface SizeSpec {
  readonly name: string;
  readonly workloads: number;
  readonly namespaces: number;
}

export const SIZES: Readonly<Record<string, SizeSpec>> = {
  S: { name: "S", workloads: 100, namespaces: 6 },
  M: { name: "M", workloads: 1_000, namespaces: 60 },
  L: { name: "L", workloads: 10_000, namespaces: 600 },
  XL: { name: "XL", workloads: 30_000, namespaces: 1_800 },
};

export const CHANGES = ["netpol", "loadbalancer", "relabel-ns"] as const;
export type Change = (typeof CHANGES)[number];

// ---------------------------------------------------------------------------------------------
// A minimal YAML emitter (block style, the way people write manifests).

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function scalar(v: string | number | boolean | null): string {
  if (v === null) return "null";
  if (typeof v !== "string") return String(v);
  if (
    v === "" ||
    /^[-?:,[\]{}#&*!|>'"%@`\s]/.test(v) ||
    /[:#]\s|\s$|:$/.test(v) ||
    /^(true|false|yes|no|on|off|y|n|null|~)$/i.test(v) ||
    /^[-+]?(\d|\.\d)/.test(v)
  )
    return JSON.stringify(v);
  return v;
}

function isEmptyCollection(v: Json): boolean {
  return (
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

/** A map of a few scalars, or a list of scalars: what people write inline (`{app: web}`, `[Ingress, Egress]`). */
function isFlat(v: Json): boolean {
  if (Array.isArray(v)) return v.length <= 6 && v.every((x) => typeof x !== "object" || x === null);
  if (typeof v !== "object" || v === null) return false;
  const values = Object.values(v);
  return values.length <= 4 && values.every((x) => typeof x !== "object" || x === null);
}

function flow(v: Json): string {
  if (Array.isArray(v)) return `[${v.map((x) => scalar(x as string)).join(", ")}]`;
  return `{${Object.entries(v as Record<string, Json>)
    .map(([k, x]) => `${scalar(k)}: ${scalar(x as string)}`)
    .join(", ")}}`;
}

/** Block style; with `compact`, small flat collections are written inline. */
function emit(v: Json, indent: number, out: string[], compact: boolean): void {
  const pad = " ".repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (typeof item !== "object" || item === null || isEmptyCollection(item)) {
        out.push(`${pad}- ${isEmptyCollection(item) ? (Array.isArray(item) ? "[]" : "{}") : scalar(item as string)}`);
        continue;
      }
      if (compact && isFlat(item)) {
        out.push(`${pad}- ${flow(item)}`);
        continue;
      }
      const inner: string[] = [];
      emit(item, indent + 2, inner, compact);
      inner[0] = `${pad}- ${inner[0].slice(indent + 2)}`;
      out.push(...inner);
    }
    return;
  }
  for (const [key, value] of Object.entries(v as Record<string, Json>)) {
    if (typeof value !== "object" || value === null) out.push(`${pad}${scalar(key)}: ${scalar(value)}`);
    else if (isEmptyCollection(value)) out.push(`${pad}${scalar(key)}: ${Array.isArray(value) ? "[]" : "{}"}`);
    else if (compact && isFlat(value)) out.push(`${pad}${scalar(key)}: ${flow(value)}`);
    else {
      out.push(`${pad}${scalar(key)}:`);
      emit(value, indent + 2, out, compact);
    }
  }
}

export function toYaml(doc: Json, compact = false): string {
  const out: string[] = [];
  emit(doc, 0, out, compact);
  return `${out.join("\n")}\n`;
}

function stream(docs: readonly Json[], compact: boolean, comment?: string): string {
  return (comment ? `# ${comment}\n` : "") + docs.map((d) => toYaml(d, compact)).join("---\n");
}

// ---------------------------------------------------------------------------------------------
// The plan: namespaces, workloads, services, policies, before they are written out.

type Labels = Record<string, string>;
type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } };
type PolicyPort = { protocol?: string; port?: number | string; endPort?: number };
type Rule = { peers?: Peer[]; ports?: PolicyPort[] };

interface PolicyPlan {
  name: string;
  /** A workload's own ingress or egress policy (stale copies keep it); not written out. */
  app?: "ingress" | "egress";
  stale?: boolean;
  podSelector: Selector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

type Role = "frontend" | "backend" | "data" | "worker" | "system";

interface PortPlan {
  name: string;
  port: number;
  protocol?: string;
}

interface WorkloadPlan {
  name: string;
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob" | "Job" | "Pod";
  role: Role;
  system: string;
  labels: Labels;
  replicas: number;
  ports: PortPlan[];
  hostNetwork: boolean;
  /** Extra documents that live in the workload's file (Service, ConfigMap, Ingress, HTTPRoute). */
  extras: Json[];
  service?: string;
}

interface NamespacePlan {
  name: string;
  labels: Labels;
  system: boolean;
  /** Whether this namespace's files write small collections inline (teams differ in style). */
  compact: boolean;
  /** Which default-deny the namespace has. */
  deny: "both" | "ingress" | "none";
  workloads: WorkloadPlan[];
  policies: PolicyPlan[];
  /** Cluster-scoped or infrastructure documents kept in this namespace's folder. */
  infra: Json[];
}

export interface Repo {
  readonly size: SizeSpec;
  readonly seed: number;
  readonly namespaces: NamespacePlan[];
  readonly cluster: Json[];
}

const TEAMS = [
  "payments",
  "checkout",
  "catalog",
  "search",
  "identity",
  "billing",
  "ledger",
  "shipping",
  "inventory",
  "pricing",
  "reviews",
  "recommend",
  "ads",
  "analytics",
  "growth",
  "notify",
  "media",
  "support",
  "fraud",
  "risk",
  "loyalty",
  "partners",
  "maps",
  "booking",
  "orders",
  "cart",
  "profile",
  "messaging",
  "content",
  "platform",
  "data",
  "ml",
  "edge",
  "mobile",
  "web",
  "security",
  "compliance",
  "finance",
  "hr",
  "ops",
];
const PRODUCTS = [
  "core",
  "api",
  "portal",
  "engine",
  "hub",
  "service",
  "gateway",
  "store",
  "stream",
  "batch",
  "sync",
  "admin",
];
const COMPONENTS: Record<Exclude<Role, "system">, string[]> = {
  frontend: ["web", "ui", "portal", "storefront", "console", "bff"],
  backend: [
    "api",
    "auth",
    "orders",
    "users",
    "search",
    "pricing",
    "quotes",
    "events",
    "session",
    "render",
    "graphql",
    "rules",
  ],
  data: ["postgres", "redis", "mysql", "kafka", "elastic", "mongo"],
  worker: ["worker", "consumer", "indexer", "scheduler", "exporter", "reconciler"],
};
const DATA_PORTS: Record<string, PortPlan> = {
  postgres: { name: "postgres", port: 5432 },
  redis: { name: "redis", port: 6379 },
  mysql: { name: "mysql", port: 3306 },
  kafka: { name: "kafka", port: 9092 },
  elastic: { name: "http", port: 9200 },
  mongo: { name: "mongo", port: 27017 },
};
const PRIVATE_EXCEPT = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

class Planner {
  readonly rng: Rng;
  private cidrCounter = 0;
  /** Partner address ranges that several namespaces allow (shared /24s, like real SaaS egress lists). */
  private readonly partners: string[];

  readonly size: SizeSpec;
  readonly seed: number;

  constructor(size: SizeSpec, seed: number) {
    this.size = size;
    this.seed = seed;
    this.rng = new Rng(seed * 7919 + size.workloads);
    this.partners = Array.from({ length: 64 }, (_, i) => `${52 + (i % 8)}.${(i * 37) % 250}.${(i * 11) % 250}.0/24`);
  }

  /** A /24 unique within the cluster (so unique within the namespace), now and then with an `except`. */
  private cidr(): { cidr: string; except?: string[] } {
    if (this.rng.chance(0.25)) return { cidr: this.rng.pick(this.partners) };
    const k = this.cidrCounter++;
    const net = `10.${128 + ((k >> 8) & 127)}.${k & 255}`;
    if (this.rng.chance(0.2)) return { cidr: `${net}.0/24`, except: [`${net}.${16 * this.rng.int(0, 15)}/28`] };
    return { cidr: `${net}.0/24` };
  }

  plan(): Repo {
    const { size, rng } = this;
    const namespaces: NamespacePlan[] = [];
    const systemNs = this.systemNamespaces();
    namespaces.push(...systemNs);
    const systemWorkloads = systemNs.reduce((s, n) => s + n.workloads.length, 0);
    const appNamespaces = size.namespaces - systemNs.length;
    const names = new Set(namespaces.map((n) => n.name));
    // Workloads per namespace: a long tail (a few namespaces hold many apps, most hold a handful).
    const weights = Array.from({ length: appNamespaces }, () => rng.logNormal(1, 0.75));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const budget = size.workloads - systemWorkloads;
    const counts = weights.map((w) => Math.max(1, Math.floor((w / totalWeight) * budget)));
    for (let left = budget - counts.reduce((a, b) => a + b, 0), i = 0; left > 0; left--, i = (i + 1) % counts.length)
      counts[i]++;
    for (let i = 0; i < appNamespaces; i++) {
      const team = rng.pick(TEAMS);
      const env = rng.weighted([
        ["prod", 5],
        ["staging", 3],
        ["dev", 2],
      ] as const);
      let name = `${team}-${rng.pick(PRODUCTS)}-${env}`;
      for (let k = 2; names.has(name); k++) name = `${team}-${rng.pick(PRODUCTS)}-${env}-${k}`;
      names.add(name);
      namespaces.push(this.appNamespace(name, team, env, counts[i]));
    }
    const all = namespaces.filter((n) => !n.system);
    for (const ns of all) this.crossNamespacePolicies(ns, all);
    for (const ns of all) this.stalePolicies(ns);
    const cluster: Json[] = [
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: "public" },
        spec: { controllerName: "example.com/gateway-controller" },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "IngressClass",
        metadata: { name: "nginx" },
        spec: { controller: "k8s.io/ingress-nginx" },
      },
    ];
    return { size, seed: this.seed, namespaces, cluster };
  }

  private systemNamespaces(): NamespacePlan[] {
    const sys = (
      name: string,
      labels: Labels,
      workloads: WorkloadPlan[],
      policies: PolicyPlan[],
      infra: Json[] = [],
    ): NamespacePlan => ({
      name,
      labels,
      system: true,
      compact: false,
      deny: policies.some((p) => p.name === "default-deny") ? "both" : "none",
      workloads,
      policies,
      infra,
    });
    const w = (
      name: string,
      kind: WorkloadPlan["kind"],
      labels: Labels,
      ports: PortPlan[],
      replicas = 2,
      hostNetwork = false,
    ): WorkloadPlan => ({
      name,
      kind,
      role: "system",
      system: name,
      labels,
      replicas,
      ports,
      hostNetwork,
      extras: [],
    });
    const dns = w("coredns", "Deployment", { "k8s-app": "kube-dns" }, [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
      { name: "metrics", port: 9153 },
    ]);
    dns.extras.push(
      service(
        "kube-dns",
        "kube-system",
        { "k8s-app": "kube-dns" },
        [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, targetPort: 53 },
        ],
        "ClusterIP",
      ),
    );
    const nginx = w(
      "ingress-nginx-controller",
      "Deployment",
      { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
      [
        { name: "http", port: 80 },
        { name: "https", port: 443 },
        { name: "metrics", port: 10254 },
      ],
      3,
    );
    nginx.extras.push({
      ...(service(
        "ingress-nginx-controller",
        "ingress-nginx",
        { "app.kubernetes.io/name": "ingress-nginx" },
        [
          { name: "http", port: 80, targetPort: "http" },
          { name: "https", port: 443, targetPort: "https" },
        ],
        "LoadBalancer",
      ) as Record<string, Json>),
    });
    const gw = w(
      "gateway-envoy",
      "Deployment",
      { "app.kubernetes.io/name": "envoy", "gateway.networking.k8s.io/gateway-name": "public" },
      [
        { name: "http", port: 8080 },
        { name: "https", port: 8443 },
      ],
      3,
    );
    const prom = w(
      "prometheus",
      "StatefulSet",
      { app: "prometheus", "app.kubernetes.io/name": "prometheus" },
      [{ name: "web", port: 9090 }],
      2,
    );
    const nodeExporter = w(
      "node-exporter",
      "DaemonSet",
      { app: "node-exporter" },
      [{ name: "metrics", port: 9100 }],
      1,
      true,
    );
    const grafana = w("grafana", "Deployment", { app: "grafana" }, [{ name: "http", port: 3000 }], 1);
    const kubeProxy = w("kube-proxy", "DaemonSet", { "k8s-app": "kube-proxy" }, [], 1, true);
    const gateway = (name: string, className: string): Json => ({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name, namespace: "ingress-nginx" },
      spec: {
        gatewayClassName: className,
        listeners: [
          { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "All" } } },
          {
            name: "https",
            protocol: "HTTPS",
            port: 443,
            tls: { mode: "Terminate", certificateRefs: [{ name: `${name}-tls` }] },
            allowedRoutes: {
              namespaces: { from: "Selector", selector: { matchLabels: { "gateway-access": "public" } } },
            },
          },
        ],
      },
    });
    const denyAll = (): PolicyPlan => ({ name: "default-deny", podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const allowDns = (): PolicyPlan => ({
      name: "allow-dns",
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          peers: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    });
    return [
      sys(
        "kube-system",
        { "kubernetes.io/metadata.name": "kube-system" },
        [dns, kubeProxy],
        [
          {
            name: "coredns",
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            policyTypes: ["Ingress"],
            ingress: [
              {
                ports: [
                  { protocol: "UDP", port: 53 },
                  { protocol: "TCP", port: 53 },
                ],
              },
              {
                peers: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                ports: [{ port: "metrics" }],
              },
            ],
          },
        ],
      ),
      sys(
        "ingress-nginx",
        { "app.kubernetes.io/name": "ingress-nginx" },
        [nginx, gw],
        [
          {
            name: "controller",
            podSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx" } },
            policyTypes: ["Ingress"],
            ingress: [{ peers: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: "http" }, { port: "https" }] }],
          },
        ],
        [gateway("public", "public"), gateway("internal", "public")],
      ),
      sys(
        "monitoring",
        { "kubernetes.io/metadata.name": "monitoring", "pod-security.kubernetes.io/enforce": "privileged" },
        [prom, nodeExporter, grafana],
        [
          denyAll(),
          allowDns(),
          {
            name: "prometheus-scrape",
            podSelector: { matchLabels: { app: "prometheus" } },
            policyTypes: ["Egress"],
            egress: [{ peers: [{ namespaceSelector: {}, podSelector: {} }] }],
          },
          {
            name: "grafana",
            podSelector: { matchLabels: { app: "grafana" } },
            ingress: [
              {
                peers: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
                ports: [{ port: "http" }],
              },
            ],
            egress: [{ peers: [{ podSelector: { matchLabels: { app: "prometheus" } } }], ports: [{ port: 9090 }] }],
            policyTypes: ["Ingress", "Egress"],
          },
        ],
      ),
    ];
  }

  private appNamespace(name: string, team: string, env: string, count: number): NamespacePlan {
    const { rng } = this;
    const labels: Labels = { team, env };
    if (rng.chance(0.75)) labels.monitoring = "enabled";
    if (rng.chance(0.4)) labels["gateway-access"] = "public";
    if (rng.chance(0.3)) labels["istio-injection"] = "enabled";
    if (rng.chance(0.5)) labels["pod-security.kubernetes.io/enforce"] = rng.pick(["restricted", "baseline"]);
    const ns: NamespacePlan = {
      name,
      labels,
      system: false,
      compact: rng.chance(0.8),
      deny: "none",
      workloads: [],
      policies: [],
      infra: [],
    };
    const used = new Set<string>();
    const unique = (base: string) => {
      let n = base;
      for (let k = 2; used.has(n); k++) n = `${base}-${k}`;
      used.add(n);
      return n;
    };
    // Apps ("systems" of 1-5 workloads: a frontend, APIs, a data store, workers).
    while (ns.workloads.length < count) {
      const system = unique(rng.pick(PRODUCTS.concat(TEAMS)));
      const size = Math.min(count - ns.workloads.length, rng.int(1, 5));
      const roles: Role[] = [];
      for (let i = 0; i < size; i++)
        roles.push(
          i === 0
            ? rng.weighted([
                ["backend", 5],
                ["frontend", 3],
                ["worker", 1],
              ] as const)
            : rng.weighted([
                ["backend", 4],
                ["data", 2.5],
                ["worker", 2.5],
                ["frontend", 0.6],
              ] as const),
        );
      for (const role of roles) {
        if (ns.workloads.length >= count) break;
        // Now and then a workload shares its pod labels with the previous one (a migration Job, a
        // canary CronJob): one equivalence class, two workloads.
        const previous = ns.workloads[ns.workloads.length - 1];
        if (previous && previous.system === system && previous.role !== "data" && rng.chance(0.1)) {
          ns.workloads.push(
            this.twin(ns, previous, unique(`${previous.name}-${rng.pick(["migrate", "cron", "backfill"])}`)),
          );
          continue;
        }
        ns.workloads.push(this.workload(ns, system, role as Exclude<Role, "system">, unique));
      }
    }
    this.namespacePolicies(ns);
    return ns;
  }

  private twin(_ns: NamespacePlan, of: WorkloadPlan, name: string): WorkloadPlan {
    return {
      name,
      kind: this.rng.chance(0.6) ? "CronJob" : "Job",
      role: of.role,
      system: of.system,
      labels: { ...of.labels },
      replicas: 1,
      ports: of.ports.map((p) => ({ ...p })),
      hostNetwork: false,
      extras: [],
    };
  }

  private workload(
    ns: NamespacePlan,
    system: string,
    role: Exclude<Role, "system">,
    unique: (n: string) => string,
  ): WorkloadPlan {
    const { rng } = this;
    const component = rng.pick(COMPONENTS[role]);
    const name = unique(`${system}-${component}`);
    const labels: Labels = { app: name, "app.kubernetes.io/part-of": system, tier: role };
    if (rng.chance(0.6)) labels.team = ns.labels.team;
    if (rng.chance(0.4)) labels.version = `v${rng.int(1, 3)}`;
    let ports: PortPlan[];
    let kind: WorkloadPlan["kind"];
    let replicas: number;
    switch (role) {
      case "frontend":
        ports = [
          { name: "http", port: 8080 },
          { name: "metrics", port: 9090 },
        ];
        kind = rng.chance(0.97) ? "Deployment" : "Pod";
        replicas = rng.int(2, 8);
        break;
      case "backend":
        ports = rng.chance(0.7)
          ? [
              { name: "http", port: 8080 },
              { name: "metrics", port: 9090 },
            ]
          : [
              { name: "grpc", port: 9000 },
              { name: "http", port: 8080 },
              { name: "metrics", port: 9090 },
            ];
        kind = rng.chance(0.97) ? "Deployment" : "Pod";
        replicas = rng.int(2, 7);
        break;
      case "data":
        ports = [DATA_PORTS[component], { name: "metrics", port: 9187 }];
        kind = "StatefulSet";
        replicas = rng.int(1, 3);
        break;
      case "worker":
        ports = rng.chance(0.6) ? [{ name: "metrics", port: 9090 }] : [];
        kind = rng.weighted([
          ["Deployment", 6],
          ["CronJob", 3],
          ["Job", 1],
        ] as const);
        replicas = kind === "Deployment" ? rng.int(1, 5) : 1;
        break;
    }
    const w: WorkloadPlan = { name, kind, role, system, labels, replicas, ports, hostNetwork: false, extras: [] };
    // Services: about 3 per 10 workloads; every type appears.
    const wantService = role === "frontend" ? 0.65 : role === "backend" ? 0.3 : role === "data" ? 0.35 : 0;
    if (w.ports.length && rng.chance(wantService)) {
      const main = w.ports[0];
      const type =
        role === "data"
          ? "ClusterIP"
          : rng.weighted([
              ["ClusterIP", 93],
              ["NodePort", 2.5],
              ["LoadBalancer", 2],
              ["ExternalIPs", 0.5],
            ] as const);
      const svc = service(
        name,
        ns.name,
        { app: name },
        [
          {
            name: main.name,
            port: role === "data" ? main.port : 80,
            targetPort: rng.chance(0.7) ? main.name : main.port,
          },
        ],
        type === "ExternalIPs" ? "ClusterIP" : type,
      ) as Record<string, Record<string, Json>>;
      if (role === "data") svc.spec.clusterIP = "None";
      if (type === "ExternalIPs") svc.spec.externalIPs = [`198.51.100.${rng.int(1, 254)}`];
      if (type === "LoadBalancer" && rng.chance(0.5))
        svc.spec.loadBalancerSourceRanges = [rng.pick(["203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8"])];
      if (type === "NodePort") (svc.spec.ports as Record<string, Json>[])[0].nodePort = 30000 + rng.int(0, 2767);
      w.extras.push(svc);
      w.service = name;
      if (role === "frontend") {
        const how = rng.weighted([
          ["ingress", 45],
          ["route", 30],
          ["none", 25],
        ] as const);
        if (how === "ingress") w.extras.push(ingress(name, ns.name, rng.chance(0.7)));
        if (how === "route") w.extras.push(httpRoute(name, ns.name, rng.chance(0.5) ? "public" : "internal"));
      }
    }
    if (rng.chance(0.03)) w.extras.push(service(`${name}-upstream`, ns.name, null, [], "ExternalName"));
    if (rng.chance(0.75))
      w.extras.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${name}-config`, namespace: ns.name, labels: { app: name } },
        data: { LOG_LEVEL: rng.pick(["info", "debug", "warn"]), FEATURE_FLAGS: "a,b,c" },
      });
    return w;
  }

  /** A podSelector for the given workload: by app, by its system, by tier or by matchExpressions. */
  private subjectSelector(ns: NamespacePlan, w: WorkloadPlan): Selector {
    const { rng } = this;
    const kind = rng.weighted([
      ["app", 30],
      ["system-tier", 25],
      ["system", 20],
      ["tier", 10],
      ["expr", 15],
    ] as const);
    if (kind === "app") return { matchLabels: { app: w.labels.app } };
    if (kind === "system-tier") return { matchLabels: { "app.kubernetes.io/part-of": w.system, tier: w.role } };
    if (kind === "system") return { matchLabels: { "app.kubernetes.io/part-of": w.system } };
    if (kind === "tier") return { matchLabels: { tier: w.role, ...(w.labels.team ? { team: w.labels.team } : {}) } };
    const others = ns.workloads.filter((x) => x.system === w.system && x !== w).map((x) => x.labels.app);
    return { matchExpressions: [{ key: "app", operator: "In", values: [w.labels.app, ...rng.sample(others, 2)] }] };
  }

  private port(w: WorkloadPlan | undefined): PolicyPort {
    const { rng } = this;
    if (!w?.ports.length) return { protocol: "TCP", port: 8080 };
    const p = w.ports[0];
    if (rng.chance(0.08)) return { protocol: "TCP", port: p.port, endPort: p.port + rng.int(1, 10) };
    return rng.chance(0.5) ? { port: p.name } : { protocol: p.protocol ?? "TCP", port: p.port };
  }

  private namespacePolicies(ns: NamespacePlan): void {
    const { rng } = this;
    const p = ns.policies;
    // The floor of most namespaces: default deny (sometimes ingress only), DNS, monitoring.
    const deny = rng.weighted([
      ["both", 62],
      ["ingress", 23],
      ["none", 15],
    ] as const);
    ns.deny = deny;
    if (deny === "both") p.push({ name: "default-deny", podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    if (deny === "ingress") p.push({ name: "default-deny-ingress", podSelector: {}, policyTypes: ["Ingress"] });
    if (deny === "both")
      p.push({
        name: "allow-dns",
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            peers: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      });
    if (ns.labels.monitoring)
      p.push({
        name: "allow-monitoring",
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
          {
            peers: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                podSelector: { matchLabels: { app: "prometheus" } },
              },
            ],
            ports: [{ port: "metrics" }],
          },
        ],
      });
    if (ns.workloads.some((w) => w.role === "frontend"))
      p.push({
        name: "allow-ingress-controller",
        podSelector: { matchLabels: { tier: "frontend" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            peers: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
                podSelector: {
                  matchExpressions: [
                    { key: "app.kubernetes.io/name", operator: "In", values: ["ingress-nginx", "envoy"] },
                  ],
                },
              },
            ],
            ports: [{ port: "http" }],
          },
        ],
      });
    // Most workloads get an ingress policy (who may call it: a pod-selector peer and, usually, an
    // address block, on one port) and, where egress is restricted, an egress policy (its dependency
    // and an address block). Separate ingress and egress policies, as netpol-scale generates them.
    for (const w of ns.workloads) {
      const siblings = ns.workloads.filter((x) => x.system === w.system && x !== w);
      const job = w.kind === "Job" || w.kind === "CronJob";
      if (!job && w.role !== "worker" && rng.chance(0.74)) {
        const rule: Rule = { peers: [], ports: [this.port(w)] };
        const callers = siblings.filter((x) => x.role === "frontend" || x.role === "backend");
        if (rng.chance(0.2))
          rule.peers!.push({ podSelector: { matchLabels: { "app.kubernetes.io/part-of": w.system } } });
        else if (callers.length)
          rule.peers!.push({ podSelector: { matchLabels: { app: rng.pick(callers).labels.app } } });
        else
          rule.peers!.push({
            podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["frontend", "backend"] }] },
          });
        if (rng.chance(0.8)) rule.peers!.push({ ipBlock: this.cidr() });
        if (rng.chance(0.06)) rule.ports!.push({ port: "metrics" });
        p.push({
          name: `${w.name}-ingress`,
          app: "ingress",
          podSelector: this.subjectSelector(ns, w),
          ...(rng.chance(0.7) ? { policyTypes: ["Ingress"] } : {}),
          ingress: [rule],
        });
      }
      if ((deny === "both" && rng.chance(job ? 0.3 : 0.45)) || rng.chance(0.05)) {
        const deps = siblings.filter((x) => x.role === "data" || x.role === "backend");
        const rule: Rule = { peers: [], ports: [] };
        const dep = deps.length ? rng.pick(deps) : undefined;
        if (dep) rule.peers!.push({ podSelector: { matchLabels: { app: dep.labels.app } } });
        if (rng.chance(0.15)) rule.peers!.push({ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_EXCEPT] } });
        else if (!dep || rng.chance(0.75)) rule.peers!.push({ ipBlock: this.cidr() });
        rule.ports!.push(dep ? this.port(dep) : { protocol: "TCP", port: rng.pick([443, 5432, 9093]) });
        p.push({
          name: `${w.name}-egress`,
          app: "egress",
          podSelector: this.subjectSelector(ns, w),
          policyTypes: ["Egress"],
          egress: [rule],
        });
      }
    }
  }

  /** Calls between namespaces: by namespace name (matchExpressions In), by team, by environment. */
  private crossNamespacePolicies(ns: NamespacePlan, all: NamespacePlan[]): void {
    const { rng } = this;
    const servers = ns.workloads.filter((w) => w.role === "backend" && w.service);
    for (const w of servers) {
      if (!rng.chance(0.3)) continue;
      const style = rng.weighted([
        ["names", 45],
        ["team", 30],
        ["env", 25],
      ] as const);
      let namespaceSelector: Selector;
      if (style === "names")
        namespaceSelector = {
          matchExpressions: [
            {
              key: "kubernetes.io/metadata.name",
              operator: "In",
              values: rng
                .sample(all, rng.int(1, 3))
                .map((n) => n.name)
                .sort(),
            },
          ],
        };
      else if (style === "team") namespaceSelector = { matchLabels: { team: rng.pick(all).labels.team } };
      else namespaceSelector = { matchLabels: { env: ns.labels.env, team: rng.pick(all).labels.team } };
      ns.policies.push({
        name: `${w.name}-from-${style === "names" ? "partners" : style}`,
        podSelector: { matchLabels: { app: w.labels.app } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            peers: [{ namespaceSelector, podSelector: { matchLabels: { tier: rng.pick(["frontend", "backend"]) } } }],
            ports: [this.port(w)],
          },
        ],
      });
    }
  }

  /** About a quarter of real policies select no pod: left behind by apps that were renamed or removed. */
  private stalePolicies(ns: NamespacePlan): void {
    const { rng } = this;
    const live = ns.policies.filter((p) => p.app);
    const stale = Math.round(ns.policies.length * 0.36 * (0.5 + rng.next()));
    for (let i = 0; i < stale && live.length; i++) {
      const model = rng.pick(live);
      const old = `${model.name.replace(/-(ingress|egress)$/, "")}-v${rng.int(0, 1)}legacy${i}`;
      ns.policies.push({
        ...structuredClone(model),
        name: `${old}-${model.app}`,
        stale: true,
        podSelector: { matchLabels: { app: old } },
      });
    }
  }
}

function service(
  name: string,
  namespace: string,
  selector: Labels | null,
  ports: { name?: string; port: number; targetPort?: number | string; protocol?: string }[],
  type: string,
): Json {
  const spec: Record<string, Json> = {};
  if (type !== "ClusterIP") spec.type = type;
  if (type === "ExternalName") spec.externalName = `${name}.partner.example.com`;
  if (selector) spec.selector = selector;
  if (ports.length)
    spec.ports = ports.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      ...(p.protocol ? { protocol: p.protocol } : {}),
      port: p.port,
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    }));
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec };
}

function ingress(name: string, namespace: string, tls: boolean): Json {
  const host = `${name}.${namespace}.example.com`;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace, annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": tls ? "true" : "false" } },
    spec: {
      ingressClassName: "nginx",
      ...(tls ? { tls: [{ hosts: [host], secretName: `${name}-tls` }] } : {}),
      rules: [
        {
          host,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: 80 } } } }] },
        },
      ],
    },
  };
}

function httpRoute(name: string, namespace: string, gateway: string): Json {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace },
    spec: {
      parentRefs: [{ name: gateway, namespace: "ingress-nginx", sectionName: "https" }],
      hostnames: [`${name}.${namespace}.example.com`],
      rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name, port: 80 }] }],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering: one folder per namespace (namespace.yaml, one file per workload with its Service,
// ConfigMap and route, network-policies.yaml), plus cluster-scoped objects.

function selectorJson(s: Selector): Json {
  const out: Record<string, Json> = {};
  if (s.matchLabels) out.matchLabels = s.matchLabels;
  if (s.matchExpressions)
    out.matchExpressions = s.matchExpressions.map((e) => ({
      key: e.key,
      operator: e.operator,
      ...(e.values ? { values: e.values } : {}),
    }));
  return out;
}

function policyDoc(namespace: string, p: PolicyPlan): Json {
  const rule = (r: Rule, field: "from" | "to"): Json => {
    const out: Record<string, Json> = {};
    if (r.peers?.length)
      out[field] = r.peers.map((peer) => {
        const o: Record<string, Json> = {};
        if (peer.namespaceSelector) o.namespaceSelector = selectorJson(peer.namespaceSelector);
        if (peer.podSelector) o.podSelector = selectorJson(peer.podSelector);
        if (peer.ipBlock)
          o.ipBlock = peer.ipBlock.except
            ? { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except }
            : { cidr: peer.ipBlock.cidr };
        return o;
      });
    if (r.ports?.length) out.ports = r.ports.map((x) => ({ ...x }) as Json);
    return out;
  };
  const spec: Record<string, Json> = { podSelector: selectorJson(p.podSelector) };
  if (p.policyTypes) spec.policyTypes = p.policyTypes;
  if (p.ingress) spec.ingress = p.ingress.map((r) => rule(r, "from"));
  if (p.egress) spec.egress = p.egress.map((r) => rule(r, "to"));
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: p.name, namespace }, spec };
}

function workloadDoc(namespace: string, w: WorkloadPlan, index: number): Json {
  const container: Record<string, Json> = {
    name: w.name.length > 40 ? "app" : w.name,
    image: `registry.example.com/${namespace.split("-")[0]}/${w.name}:1.${index % 20}.${index % 7}`,
  };
  if (w.ports.length)
    container.ports = w.ports.map((p) => ({
      name: p.name,
      containerPort: p.port,
      ...(p.protocol && p.protocol !== "TCP" ? { protocol: p.protocol } : {}),
    }));
  container.resources = { requests: { cpu: "100m", memory: "128Mi" } };
  const podSpec: Record<string, Json> = {};
  if (w.hostNetwork) podSpec.hostNetwork = true;
  podSpec.serviceAccountName = w.role === "system" ? w.name : w.system;
  podSpec.containers = [container];
  const template = { metadata: { labels: w.labels }, spec: podSpec };
  const meta = { name: w.name, namespace, labels: { app: w.labels.app ?? w.name } };
  switch (w.kind) {
    case "Pod":
      return { apiVersion: "v1", kind: "Pod", metadata: { name: w.name, namespace, labels: w.labels }, spec: podSpec };
    case "CronJob":
      return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: meta,
        spec: {
          schedule: `${index % 60} * * * *`,
          jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: "OnFailure" } } } },
        },
      };
    case "Job":
      return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: meta,
        spec: { template: { ...template, spec: { ...podSpec, restartPolicy: "Never" } } },
      };
    case "DaemonSet":
      return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: meta,
        spec: { selector: { matchLabels: { app: w.labels.app ?? w.name } }, template },
      };
    case "StatefulSet":
      return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: meta,
        spec: {
          serviceName: w.name,
          replicas: w.replicas,
          selector: { matchLabels: { app: w.labels.app ?? w.name } },
          template,
        },
      };
    case "Deployment":
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta,
        spec: { replicas: w.replicas, selector: { matchLabels: { app: w.labels.app ?? w.name } }, template },
      };
  }
}

function namespaceDoc(ns: NamespacePlan): Json {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: ns.name, labels: ns.labels } };
}

/** Every file of the repository: path -> text. */
export function render(repo: Repo): Map<string, string> {
  const files = new Map<string, string>();
  files.set("cluster/classes.yaml", stream(repo.cluster, false, "cluster-scoped classes"));
  let index = 0;
  for (const ns of repo.namespaces) {
    const dir = `apps/${ns.name}`;
    files.set(`${dir}/namespace.yaml`, stream([namespaceDoc(ns)], ns.compact));
    for (const w of ns.workloads)
      files.set(`${dir}/${w.name}.yaml`, stream([workloadDoc(ns.name, w, index++), ...w.extras], ns.compact));
    if (ns.infra.length) files.set(`${dir}/gateways.yaml`, stream(ns.infra, ns.compact));
    if (ns.policies.length)
      files.set(
        `${dir}/network-policies.yaml`,
        stream(
          ns.policies.map((p) => policyDoc(ns.name, p)),
          ns.compact,
          `NetworkPolicies of ${ns.name} (team ${ns.labels.team ?? "platform"})`,
        ),
      );
  }
  return files;
}

export function planRepo(size: SizeSpec, seed: number): Repo {
  return new Planner(size, seed).plan();
}

// ---------------------------------------------------------------------------------------------
// The pull requests.

export interface PullRequest {
  readonly change: Change;
  readonly description: string;
  /** Files whose text differs from base (path -> new text). */
  readonly files: Map<string, string>;
}

/**
 * The namespace the changes happen in, the same one for every change: a mid-sized app namespace
 * whose egress is open (so that a change of who may call whom shows as connection changes).
 */
function target(repo: Repo): NamespacePlan {
  const live = (n: NamespacePlan) =>
    !n.system &&
    n.workloads.some((w) => w.role === "frontend") &&
    n.policies.some((p) => p.app === "ingress" && !p.stale);
  // Small repositories may have no namespace with open egress: then any namespace that fits.
  const apps = repo.namespaces.filter((n) => live(n) && n.deny !== "both");
  const pool = apps.length ? apps : repo.namespaces.filter(live);
  const sorted = [...pool].sort((a, b) => a.workloads.length - b.workloads.length || (a.name < b.name ? -1 : 1));
  return sorted[Math.floor(sorted.length / 2)];
}

export function pullRequests(repo: Repo): PullRequest[] {
  const ns = target(repo);
  const dir = `apps/${ns.name}`;
  const out: PullRequest[] = [];

  // 1. One NetworkPolicy: a live allow policy gains a port and opens to the whole app tier.
  {
    const policies = structuredClone(ns.policies);
    const live = policies.find((p) => p.app === "ingress" && !p.stale)!;
    const rule = live.ingress![0];
    rule.ports = [...(rule.ports ?? []), { protocol: "TCP", port: 8443 }];
    rule.peers = [
      {
        podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["frontend", "backend", "worker"] }] },
      },
      ...(rule.peers ?? []).filter((p) => p.ipBlock),
    ];
    out.push({
      change: "netpol",
      description: `${ns.name}/NetworkPolicy/${live.name}: one more port, callers widened to every app tier of the namespace`,
      files: new Map([
        [
          `${dir}/network-policies.yaml`,
          stream(
            policies.map((p) => policyDoc(ns.name, p)),
            ns.compact,
            `NetworkPolicies of ${ns.name} (team ${ns.labels.team ?? "platform"})`,
          ),
        ],
      ]),
    });
  }

  // 2. One LoadBalancer Service in front of a frontend.
  {
    const index = repo.namespaces.flatMap((n) => n.workloads).indexOf(ns.workloads.find((w) => w.role === "frontend")!);
    const w = ns.workloads.find((x) => x.role === "frontend")!;
    const lb = service(
      `${w.name}-public`,
      ns.name,
      { app: w.labels.app },
      [{ name: "https", port: 443, targetPort: w.ports[0].name }],
      "LoadBalancer",
    );
    out.push({
      change: "loadbalancer",
      description: `${ns.name}/Service/${w.name}-public: a new LoadBalancer in front of ${w.name}`,
      files: new Map([
        [`${dir}/${w.name}.yaml`, stream([workloadDoc(ns.name, w, index), ...w.extras, lb], ns.compact)],
      ]),
    });
  }

  // 3. Relabel the namespace: another team and environment, monitoring and gateway access flipped.
  {
    const labels = { ...ns.labels };
    // The new team is the one that other namespaces' policies let in most often.
    const wanted = new Map<string, number>();
    for (const n of repo.namespaces)
      for (const p of n.policies)
        for (const r of p.ingress ?? [])
          for (const peer of r.peers ?? []) {
            const team = peer.namespaceSelector?.matchLabels?.team;
            if (team && team !== labels.team) wanted.set(team, (wanted.get(team) ?? 0) + 1);
          }
    const teams = [...wanted].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (teams.length) labels.team = teams[0][0];
    labels.env = labels.env === "prod" ? "staging" : "prod";
    if (labels.monitoring) delete labels.monitoring;
    else labels.monitoring = "enabled";
    if (labels["gateway-access"]) delete labels["gateway-access"];
    else labels["gateway-access"] = "public";
    out.push({
      change: "relabel-ns",
      description: `Namespace/${ns.name}: team ${ns.labels.team} -> ${labels.team}, env ${ns.labels.env} -> ${labels.env}, monitoring and gateway-access flipped`,
      files: new Map([[`${dir}/namespace.yaml`, stream([namespaceDoc({ ...ns, labels })], ns.compact)]]),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// On disk: <out>/<size>/base, and <out>/<size>/<change> sharing base's unchanged files (hard links).

export interface Generated {
  readonly size: SizeSpec;
  readonly seed: number;
  readonly root: string;
  readonly base: string;
  readonly heads: readonly { change: Change; dir: string; description: string; changedFiles: string[] }[];
  readonly files: number;
  readonly bytes: number;
  readonly documents: number;
}

export function writeRepository(size: SizeSpec, seed: number, outRoot: string): Generated {
  const repo = planRepo(size, seed);
  const files = render(repo);
  const root = join(outRoot, `${size.name}-seed${seed}`);
  rmSync(root, { recursive: true, force: true });
  const base = join(root, "base");
  let bytes = 0;
  let documents = 0;
  for (const [path, text] of files) {
    const full = join(base, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    bytes += Buffer.byteLength(text);
    documents += text.split(/^---$/m).length;
  }
  const heads = pullRequests(repo).map((pr) => {
    const dir = join(root, `head-${pr.change}`);
    for (const path of files.keys()) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      if (pr.files.has(path)) writeFileSync(full, pr.files.get(path)!);
      else linkSync(join(base, path), full);
    }
    for (const [path, text] of pr.files)
      if (!files.has(path)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
    return { change: pr.change, dir, description: pr.description, changedFiles: [...pr.files.keys()] };
  });
  return { size, seed, root, base, heads, files: files.size, bytes, documents };
}
