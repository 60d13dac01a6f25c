// External exposure: every way traffic from outside the cluster enters it, followed along the real
// path: entry point (LoadBalancer, NodePort, externalIPs, Ingress rule, Gateway listener + route,
// OpenShift Route) -> Service port -> targetPort -> container port of the pods the Service selects ->
// whether those pods' NetworkPolicies (and admin policies) let that traffic in. Traffic through a
// proxy (ingress controller, Gateway data plane, router) reaches the pods from the proxy's pods; traffic
// through a LoadBalancer or NodePort comes from the client (externalTrafficPolicy Local) or from a node
// address (Cluster, SNAT). Pure: no I/O.
import { DEFAULT_SENSITIVE_PORTS } from "../config/schema.js";
import {
  atomize,
  CidrError,
  compareIntervals,
  containsInterval,
  intervalToCidrs,
  parseCidr,
  type Family,
  type IpInterval,
} from "../core/ip.js";
import { matches, type Labels } from "../core/label-selector.js";
import type { ConnSet, Protocol } from "../core/port-set.js";
import { Diagnostics, type Diagnostic } from "../manifests/diagnostics.js";
import { NAMESPACE_NAME_LABEL } from "../model/build.js";
import { InvalidObject } from "../model/fields.js";
import {
  GATEWAY_GROUP,
  intersectHostnames,
  isRouteKind,
  kindsForProtocol,
  knownGatewayVersion,
  readGateway,
  readGatewayClass,
  readReferenceGrant,
  readRoute,
  type BackendRef,
  type Gateway,
  type GatewayClass,
  type Listener,
  type ReferenceGrant,
  type Route,
} from "../model/kinds/gateway.js";
import {
  ingressTlsCovers,
  readIngress,
  readIngressClass,
  type Ingress,
  type IngressBackend,
  type IngressClass,
} from "../model/kinds/ingress.js";
import { readOpenShiftRoute, type OpenShiftRoute } from "../model/kinds/route.js";
import type { Cluster, OtherObject, Service, ServicePort, Workload } from "../model/types.js";
import { PolicyEvaluator, type Direction, type Endpoint, type PodClass, type Step } from "./policy-eval.js";
import { defaultFamilies, podClasses } from "./reach.js";

export type EntryKind = "LoadBalancer" | "NodePort" | "ExternalIP" | "Ingress" | "Gateway" | "Route";

export interface Exposure {
  /** ns/Kind/name of the receiving workload. */
  workload: string;
  protocol: Protocol;
  /** The container (pod) port reached. */
  port: number;
  via: {
    kind: EntryKind;
    /** ns/Kind/name of the Service, Ingress, HTTPRoute (or other route kind) or Route. */
    ref: string;
    service?: string;
    /** The Service port the entry sends to (before targetPort). */
    servicePort?: number;
    /** LoadBalancer port, nodePort, listener port, or 80/443 for Ingress and Route. */
    entryPort?: number;
    host?: string;
    path?: string;
    /** ns/Gateway/name:sectionName */
    listener?: string;
    tls?: boolean;
    /** Internal load balancer, or a class that is not internet-facing. */
    internal?: boolean;
    matches?: string[];
  };
  /** CIDRs that may use the entry (0.0.0.0/0, loadBalancerSourceRanges, allow-list annotations, ...). */
  sources: string[];
  /** Id of a NetworkPolicy (or admin policy) that stops it: reported but not counted as exposed. */
  blockedBy: string | null;
  /** Where the entry object is defined. */
  file: string;
  line: number;
  /** Caveats in plain words. */
  notes: string[];
}

export interface BrokenRoute {
  ref: string;
  reason: string;
  file: string;
  line: number;
}

export interface ExposureOptions {
  ingressController: { namespace: string; podLabels?: Record<string, string> };
  gatewayDataPlane?: { namespace?: string; podLabels?: Record<string, string> };
  internalGatewayClasses?: string[];
  sensitivePorts?: number[];
  /** The OpenShift router's pods (default: namespace openshift-ingress). */
  openshiftRouter?: { namespace?: string; podLabels?: Record<string, string> };
}

export const DEFAULT_EXPOSURE_OPTIONS: ExposureOptions = {
  ingressController: { namespace: "ingress-nginx" },
  internalGatewayClasses: [],
  sensitivePorts: [...DEFAULT_SENSITIVE_PORTS],
  openshiftRouter: { namespace: "openshift-ingress" },
};

export interface ExposureResult {
  exposures: Exposure[];
  broken: BrokenRoute[];
  /** Problems found while reading the entry objects (Ingress, Gateway API, Route), and what is not modelled. */
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------------------------------
// Reading the entry objects (kept unparsed by the model builder).

export interface EntryObjects {
  readonly ingresses: Ingress[];
  readonly ingressClasses: IngressClass[];
  readonly gatewayClasses: GatewayClass[];
  readonly gateways: Gateway[];
  readonly routes: Route[];
  readonly grants: ReferenceGrant[];
  readonly openshiftRoutes: OpenShiftRoute[];
}

function readEach<T>(objects: readonly OtherObject[], read: (o: OtherObject) => T, diagnostics: Diagnostics): T[] {
  const out: T[] = [];
  for (const o of objects) {
    try {
      out.push(read(o));
    } catch (e) {
      if (!(e instanceof InvalidObject)) throw e;
      diagnostics.error(
        o.source.file,
        o.source.lineOf(e.path),
        `${o.kind} ${o.name} is invalid and skipped: ${e.message}`.replace(/\s+/g, " "),
        o.id,
      );
    }
  }
  return out;
}

/** Reads the Ingress, Gateway API and OpenShift Route objects of a snapshot; a broken one never hides the others. */
export function readEntryObjects(cluster: Cluster, diagnostics = new Diagnostics()): EntryObjects {
  const of = (group: string | string[], kind: string) => {
    const groups = Array.isArray(group) ? group : [group];
    return cluster.others.filter(
      (o) =>
        o.kind === kind &&
        groups.includes(o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf("/")) : ""),
    );
  };
  const gatewayApi = cluster.others.filter((o) => o.apiVersion.startsWith(`${GATEWAY_GROUP}/`));
  for (const o of gatewayApi)
    if (!knownGatewayVersion(o.apiVersion))
      diagnostics.warning(
        o.source.file,
        o.source.lineOf(["apiVersion"]),
        `${o.apiVersion} is not a Gateway API version this tool knows; ${o.kind} ${o.name} is read as v1`,
        o.id,
      );
  const gw = (kind: string) => gatewayApi.filter((o) => o.kind === kind);
  return {
    ingresses: readEach(of(["networking.k8s.io", "extensions"], "Ingress"), readIngress, diagnostics),
    ingressClasses: readEach(of("networking.k8s.io", "IngressClass"), readIngressClass, diagnostics),
    gatewayClasses: readEach(gw("GatewayClass"), readGatewayClass, diagnostics),
    gateways: readEach(gw("Gateway"), readGateway, diagnostics),
    routes: readEach(
      gatewayApi.filter((o) => isRouteKind(o.kind)),
      readRoute,
      diagnostics,
    ),
    grants: readEach(gw("ReferenceGrant"), readReferenceGrant, diagnostics),
    openshiftRoutes: readEach(of("route.openshift.io", "Route"), readOpenShiftRoute, diagnostics),
  };
}

// ---------------------------------------------------------------------------------------------------
// Gateway API route attachment, as a conformant implementation would set status.parents and ResolvedRefs.

export type AttachReason = "Accepted" | "NotAllowedByListeners" | "NoMatchingListenerHostname" | "NoMatchingParent";
export type BackendReason = "ResolvedRefs" | "InvalidKind" | "RefNotPermitted" | "BackendNotFound";

export interface ParentStatus {
  /** ns/Gateway/name */
  readonly parent: string;
  readonly sectionName?: string;
  readonly port?: number;
  readonly accepted: boolean;
  readonly reason: AttachReason;
  readonly message: string;
  /** The listeners the route attaches to, with the hostnames it serves there (undefined: every host). */
  readonly listeners: readonly { readonly listener: Listener; readonly hostnames: readonly (string | undefined)[] }[];
  readonly line: number;
}

export interface BackendStatus {
  readonly rule: number;
  readonly ref: BackendRef;
  readonly reason: BackendReason;
  readonly message: string;
  readonly service?: Service;
  readonly servicePort?: ServicePort;
}

export interface RouteStatus {
  readonly route: Route;
  readonly parents: readonly ParentStatus[];
  readonly backends: readonly BackendStatus[];
}

function namespaceLabels(cluster: Cluster, namespace: string): Labels {
  return cluster.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

function listenerAllowsKind(l: Listener, kind: string): boolean {
  const carried = kindsForProtocol(l.protocol, l.tlsMode);
  if (l.allowedKinds === null) return carried === null || carried.includes(kind as never);
  // Explicit kinds the protocol cannot carry make the listener refuse them (InvalidRouteKinds).
  return (
    l.allowedKinds.some((k) => k.group === GATEWAY_GROUP && k.kind === kind) &&
    (carried === null || carried.includes(kind as never))
  );
}

function listenerAllowsNamespace(cluster: Cluster, gateway: Gateway, l: Listener, namespace: string): boolean {
  switch (l.allowedNamespaces.from) {
    case "All":
      return true;
    case "Same":
      return namespace === gateway.namespace;
    case "None":
      return false;
    case "Selector":
      return matches(l.allowedNamespaces.selector, namespaceLabels(cluster, namespace));
  }
}

/** A ReferenceGrant in the target namespace that lets `from` refer to the target, if any. */
export function findGrant(
  grants: readonly ReferenceGrant[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): ReferenceGrant | undefined {
  return grants.find(
    (g) =>
      g.namespace === to.namespace &&
      g.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
  );
}

function attach(cluster: Cluster, gateways: ReadonlyMap<string, Gateway>, route: Route): ParentStatus[] {
  const out: ParentStatus[] = [];
  for (const ref of route.parentRefs) {
    if (ref.group !== GATEWAY_GROUP || ref.kind !== "Gateway") continue; // mesh (Service) and ListenerSet parents: not an entry
    const parent = `${ref.namespace}/Gateway/${ref.name}`;
    const base = { parent, sectionName: ref.sectionName, port: ref.port, line: ref.line };
    const gateway = gateways.get(parent);
    if (!gateway) {
      out.push({
        ...base,
        accepted: false,
        reason: "NoMatchingParent",
        message: `Gateway ${parent} is not in the manifests`,
        listeners: [],
      });
      continue;
    }
    const wanted = [
      ref.sectionName !== undefined ? `sectionName ${ref.sectionName}` : "",
      ref.port !== undefined ? `port ${ref.port}` : "",
    ]
      .filter(Boolean)
      .join(" and ");
    const candidates = gateway.listeners.filter(
      (l) =>
        (ref.sectionName === undefined || l.name === ref.sectionName) &&
        (ref.port === undefined || l.port === ref.port),
    );
    if (!candidates.length) {
      out.push({
        ...base,
        accepted: false,
        reason: "NoMatchingParent",
        message: `${parent} has no listener with ${wanted || "any name"}`,
        listeners: [],
      });
      continue;
    }
    const allowed = candidates.filter(
      (l) => listenerAllowsKind(l, route.kind) && listenerAllowsNamespace(cluster, gateway, l, route.namespace),
    );
    if (!allowed.length) {
      const why = candidates.map((l) =>
        !listenerAllowsKind(l, route.kind)
          ? `listener ${l.name} (${l.protocol}) does not accept ${route.kind}`
          : `listener ${l.name} accepts routes from ${l.allowedNamespaces.from === "Selector" ? `namespaces matching ${l.allowedNamespaces.selector.key}` : l.allowedNamespaces.from === "Same" ? `${gateway.namespace} only` : "no namespace"}`,
      );
      out.push({ ...base, accepted: false, reason: "NotAllowedByListeners", message: why.join("; "), listeners: [] });
      continue;
    }
    const listeners = allowed.flatMap((listener) => {
      const hostnames =
        route.kind === "TCPRoute" || route.kind === "UDPRoute"
          ? [undefined]
          : intersectHostnames(listener.hostname, route.hostnames);
      return hostnames ? [{ listener, hostnames }] : [];
    });
    if (!listeners.length) {
      out.push({
        ...base,
        accepted: false,
        reason: "NoMatchingListenerHostname",
        message: `hostnames ${route.hostnames.join(", ")} match no listener hostname (${allowed.map((l) => l.hostname ?? "*").join(", ")})`,
        listeners: [],
      });
      continue;
    }
    out.push({
      ...base,
      accepted: true,
      reason: "Accepted",
      message: `attached to ${listeners.map((l) => l.listener.name).join(", ")}`,
      listeners,
    });
  }
  return out;
}

function resolveBackends(
  services: ReadonlyMap<string, Service>,
  grants: readonly ReferenceGrant[],
  route: Route,
): BackendStatus[] {
  const out: BackendStatus[] = [];
  for (const rule of route.rules)
    for (const ref of rule.backendRefs) {
      const target = `${ref.namespace}/${ref.kind}/${ref.name}`;
      const status = (reason: BackendReason, message: string, service?: Service, servicePort?: ServicePort) =>
        out.push({ rule: rule.index, ref, reason, message, service, servicePort });
      if (ref.group !== "" || ref.kind !== "Service") {
        status("InvalidKind", `backendRef kind ${ref.group ? `${ref.group}/` : ""}${ref.kind} is not a Service`);
        continue;
      }
      if (
        ref.namespace !== route.namespace &&
        !findGrant(
          grants,
          { group: GATEWAY_GROUP, kind: route.kind, namespace: route.namespace },
          { group: "", kind: "Service", namespace: ref.namespace, name: ref.name },
        )
      ) {
        status(
          "RefNotPermitted",
          `backendRef to ${target} in another namespace is not allowed by a ReferenceGrant in ${ref.namespace}`,
        );
        continue;
      }
      const service = services.get(target);
      if (!service) {
        status("BackendNotFound", `Service ${target} is not in the manifests`);
        continue;
      }
      const servicePort = service.ports.find((p) => p.port === ref.port);
      if (!servicePort) {
        status("BackendNotFound", `Service ${target} has no port ${ref.port}`, service);
        continue;
      }
      status("ResolvedRefs", `${target}:${ref.port}`, service, servicePort);
    }
  return out;
}

/** How a conformant implementation would attach every route of the snapshot, and resolve its backends. */
export function gatewayRouteStatuses(
  cluster: Cluster,
  objects: EntryObjects = readEntryObjects(cluster),
): RouteStatus[] {
  const gateways = new Map(objects.gateways.map((g) => [g.id, g]));
  const services = new Map(cluster.services.map((s) => [s.id, s]));
  return objects.routes.map((route) => ({
    route,
    parents: attach(cluster, gateways, route),
    backends: resolveBackends(services, objects.grants, route),
  }));
}

// ---------------------------------------------------------------------------------------------------
// Load balancer visibility.

const AWS = "service.beta.kubernetes.io/aws-load-balancer-";

/** Whether annotations (or a loadBalancerClass) make a cloud load balancer internal, and which marker says so. */
export function internalLoadBalancer(
  annotations: Labels,
  loadBalancerClass?: string,
): { internal: boolean; marker?: string } {
  const a = (k: string) => annotations[k]?.trim();
  const lower = (k: string) => a(k)?.toLowerCase();
  if (lower("networking.gke.io/load-balancer-type") === "internal")
    return { internal: true, marker: "networking.gke.io/load-balancer-type: Internal" };
  if (lower("cloud.google.com/load-balancer-type") === "internal")
    return { internal: true, marker: "cloud.google.com/load-balancer-type: Internal" };
  if (loadBalancerClass === "networking.gke.io/l4-regional-internal")
    return { internal: true, marker: `loadBalancerClass ${loadBalancerClass}` };
  const awsInternal = a(`${AWS}internal`);
  if (awsInternal !== undefined && awsInternal !== "" && awsInternal !== "false")
    return { internal: true, marker: `${AWS}internal: ${awsInternal}` };
  const scheme = lower(`${AWS}scheme`);
  if (scheme === "internal") return { internal: true, marker: `${AWS}scheme: internal` };
  if (scheme === "internet-facing") return { internal: false, marker: `${AWS}scheme: internet-facing` };
  const lbcType = lower(`${AWS}type`);
  if (lbcType === "external" || lbcType === "nlb-ip" || loadBalancerClass === "service.k8s.aws/nlb")
    return {
      internal: true,
      marker: "AWS Load Balancer Controller without aws-load-balancer-scheme (its default scheme is internal)",
    };
  const flags: [string, string][] = [
    ["service.beta.kubernetes.io/azure-load-balancer-internal", "true"],
    ["service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "private"],
    ["service.beta.kubernetes.io/openstack-internal-load-balancer", "true"],
    ["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "intranet"],
    ["service.beta.kubernetes.io/oci-load-balancer-internal", "true"],
    ["service.beta.kubernetes.io/cce-load-balancer-internal-vpc", "true"],
  ];
  for (const [key, value] of flags) if (lower(key) === value) return { internal: true, marker: `${key}: ${a(key)}` };
  if (a("service.kubernetes.io/qcloud-loadbalancer-internal-subnetid"))
    return { internal: true, marker: "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid" };
  return { internal: false };
}

/** GKE Gateway classes that provision internal load balancers. */
const BUILTIN_INTERNAL_GATEWAY_CLASSES = [
  "gke-l7-rilb",
  "gke-l7-rilb-mc",
  "gke-l7-cross-regional-internal-managed",
  "gke-l7-cross-regional-internal-managed-mc",
];

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map(parseCidr);

function isPrivateAddress(text: string): boolean {
  try {
    const iv = parseCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
    return PRIVATE.some((p) => containsInterval(p, iv));
  } catch (e) {
    if (e instanceof CidrError) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------
// The engine.

/** A pod port that an entry reaches: one selected workload, through one Service port. */
interface Target {
  readonly workload: Workload;
  readonly cls: PodClass;
  readonly protocol: Protocol;
  readonly port: number;
  readonly notes: readonly string[];
}

/** Where the packets that reach the pod come from. */
type Origin =
  /** Proxy pods (ingress controller, Gateway data plane, router); `synthetic` when not in the manifests. */
  | { readonly type: "pods"; readonly classes: readonly PodClass[]; readonly synthetic: boolean; readonly what: string }
  /** The clients themselves (externalTrafficPolicy Local): these addresses. */
  | { readonly type: "clients"; readonly cidrs: readonly string[] }
  /** Addresses we cannot know: node addresses after SNAT, or a cloud load balancer's own addresses. */
  | { readonly type: "unknown-addresses"; readonly what: string };

/** A proxy in front of routes: who its pods are and how it is reached. */
interface Proxy {
  readonly origin: Origin;
  readonly internal: boolean;
  readonly sources: readonly string[];
  readonly notes: readonly string[];
}

const EVERYWHERE = ["0.0.0.0/0"];
const SERVING_KINDS = (w: Workload) => w.kind !== "Job" && w.kind !== "CronJob";

function labelsText(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function mergeIntervals(list: IpInterval[]): IpInterval[] {
  const sorted = [...list].sort(compareIntervals);
  const out: IpInterval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === iv.family && last.hi + 1n >= iv.lo)
      out[out.length - 1] = { ...last, hi: last.hi > iv.hi ? last.hi : iv.hi };
    else out.push(iv);
  }
  return out;
}

function exposureKey(e: Exposure): string {
  const v = e.via;
  return JSON.stringify([
    e.workload,
    e.protocol,
    e.port,
    v.kind,
    v.ref,
    v.entryPort ?? null,
    v.host ?? null,
    v.path ?? null,
    v.listener ?? null,
  ]);
}

class Engine {
  readonly evaluator: PolicyEvaluator;
  readonly diagnostics = new Diagnostics();
  private readonly classOf = new Map<string, PodClass>();
  private readonly services: Map<string, Service>;
  private readonly exposures = new Map<string, Exposure>();
  private readonly broken = new Map<string, BrokenRoute>();
  private readonly infos = new Set<string>();
  private readonly targetCache = new Map<string, Target[]>();
  private readonly ipCache = new Map<string, ConnSet>();
  private readonly families: Family[];
  /** Address blocks that can decide ingress of pods per namespace: its NetworkPolicies' ipBlocks and the admin tier's networks. */
  private readonly blocks = new Map<string, IpInterval[]>();
  private readonly adminBlocks: IpInterval[] = [];
  private readonly atomCache = new Map<string, IpInterval[]>();
  private readonly sensitive: Set<number>;
  private nextIndex = 1_000_000;
  /** The workloads of each namespace, in the cluster's order (an entry looks up its pods by namespace). */
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Map<string, Workload[]>>();

  constructor(
    readonly cluster: Cluster,
    readonly options: ExposureOptions,
  ) {
    this.evaluator = new PolicyEvaluator(cluster);
    for (const cls of podClasses(cluster)) for (const w of cls.members) this.classOf.set(w.id, cls);
    for (const w of cluster.workloads) {
      const list = this.byNamespace.get(w.namespace);
      if (list) list.push(w);
      else this.byNamespace.set(w.namespace, [w]);
    }
    this.services = new Map(cluster.services.map((s) => [s.id, s]));
    this.families = defaultFamilies(cluster);
    for (const np of cluster.networkPolicies) {
      let list = this.blocks.get(np.namespace);
      if (!list) this.blocks.set(np.namespace, (list = []));
      for (const rule of np.ingress)
        for (const peer of rule.peers ?? []) if (peer.type === "ipBlock") list.push(peer.cidr, ...peer.except);
    }
    for (const ap of cluster.adminPolicies)
      for (const rule of ap.ingress)
        for (const peer of rule.peers) if (peer.type === "networks") this.adminBlocks.push(...peer.blocks);
    this.sensitive = new Set(options.sensitivePorts ?? []);
  }

  // -- bookkeeping

  info(file: string, line: number, message: string, object?: string): void {
    const key = `${file}:${line}:${message}`;
    if (this.infos.has(key)) return;
    this.infos.add(key);
    this.diagnostics.info(file, line, message, object);
  }

  addBroken(b: BrokenRoute): void {
    this.broken.set(`${b.ref}\u0000${b.reason}`, b);
  }

  add(e: Exposure): void {
    const key = exposureKey(e);
    const previous = this.exposures.get(key);
    if (!previous) {
      this.exposures.set(key, e);
      return;
    }
    // The same entry reaching the same pod port again (another rule, match or Service): one exposure.
    if (e.via.matches) previous.via.matches = [...new Set([...(previous.via.matches ?? []), ...e.via.matches])];
    if (e.via.service && previous.via.service && e.via.service !== previous.via.service)
      previous.notes.push(`also through ${e.via.service}`);
    for (const n of e.notes) if (!previous.notes.includes(n)) previous.notes.push(n);
    if (e.blockedBy === null) previous.blockedBy = null;
    previous.sources = [...new Set([...previous.sources, ...e.sources])];
  }

  result(): ExposureResult {
    const kindOrder: EntryKind[] = ["LoadBalancer", "NodePort", "ExternalIP", "Ingress", "Gateway", "Route"];
    const sortKey = (e: Exposure) => [
      String(kindOrder.indexOf(e.via.kind)),
      e.via.ref,
      e.via.listener ?? "",
      e.via.host ?? "",
      e.via.path ?? "",
      String(e.via.entryPort ?? 0).padStart(5, "0"),
      e.workload,
      e.protocol,
      String(e.port).padStart(5, "0"),
    ];
    const exposures = [...this.exposures.values()].sort((a, b) => {
      const ka = sortKey(a);
      const kb = sortKey(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
      return 0;
    });
    const broken = [...this.broken.values()].sort((a, b) =>
      a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0,
    );
    return { exposures, broken, diagnostics: this.diagnostics.items };
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(`${namespace}/Service/${name}`);
  }

  // -- pods

  classFor(workload: Workload): PodClass {
    return this.classOf.get(workload.id)!;
  }

  /** A pod that is not in the manifests (a controller installed elsewhere), as a class of its own. */
  synthetic(namespace: string, labels: Labels, namespaceDefaults: Labels = {}): PodClass {
    const declared = this.cluster.namespaces.get(namespace);
    return {
      index: this.nextIndex++,
      namespace,
      namespaceLabels: declared?.labels ?? { ...namespaceDefaults, [NAMESPACE_NAME_LABEL]: namespace },
      labels,
      ports: [],
      hostNetwork: false,
      members: [],
    };
  }

  classesOf(workloads: readonly Workload[]): PodClass[] {
    return [...new Set(workloads.map((w) => this.classFor(w)))];
  }

  /** The workloads whose pods carry label `key` with this value, in the cluster's order (indexed once per key). */
  labelled(key: string, value: string): Workload[] {
    let index = this.byLabel.get(key);
    if (!index) {
      this.byLabel.set(key, (index = new Map()));
      for (const w of this.cluster.workloads) {
        if (!Object.hasOwn(w.labels, key)) continue;
        const list = index.get(w.labels[key]);
        if (list) list.push(w);
        else index.set(w.labels[key], [w]);
      }
    }
    return index.get(value) ?? [];
  }

  workloadsIn(namespace: string, podLabels?: Labels): Workload[] {
    const labels = podLabels ?? {};
    return (this.byNamespace.get(namespace) ?? []).filter((w) => SERVING_KINDS(w) && selects(labels, w.labels));
  }

  /**
   * Service port -> the pod ports it reaches, per selected workload. Reports a Service that selects no
   * pod, or whose named targetPort no selected container declares, as broken (once).
   */
  targets(service: Service, sp: ServicePort): Target[] {
    const key = `${service.id}\u0000${sp.protocol}\u0000${sp.port}`;
    const cached = this.targetCache.get(key);
    if (cached) return cached;
    const out: Target[] = [];
    this.targetCache.set(key, out);
    const at = { file: service.source.file, line: service.source.line };
    if (service.type === "ExternalName") {
      this.info(
        at.file,
        at.line,
        `${service.id} is an ExternalName Service (${service.externalName ?? "no name"}): traffic sent to it leaves the cluster, no pod is exposed`,
        service.id,
      );
      return out;
    }
    if (service.selector === null) {
      this.info(
        at.file,
        at.line,
        `${service.id} has no selector: its endpoints are managed by hand (EndpointSlice), so the pods or addresses it reaches are not modelled`,
        service.id,
      );
      return out;
    }
    const selected = (this.byNamespace.get(service.namespace) ?? []).filter((w) =>
      selects(service.selector!, w.labels),
    );
    if (!selected.length) {
      this.addBroken({
        ref: service.id,
        reason: `selects no pod: no pod template in namespace ${service.namespace} has the labels ${labelsText(service.selector)}`,
        ...at,
      });
      return out;
    }
    const target = sp.targetPort;
    if (typeof target === "number") {
      for (const w of selected) {
        const notes: string[] = [];
        if (w.ports.length && !w.ports.some((p) => p.containerPort === target && p.protocol === sp.protocol))
          notes.push(
            `${w.id} declares no container port ${sp.protocol} ${target} (containerPort is informational: the traffic still reaches the pod)`,
          );
        out.push({ workload: w, cls: this.classFor(w), protocol: sp.protocol, port: target, notes });
      }
      return out;
    }
    const missing: string[] = [];
    for (const w of selected) {
      const cp = w.ports.find((p) => p.name === target && p.protocol === sp.protocol);
      if (cp)
        out.push({ workload: w, cls: this.classFor(w), protocol: sp.protocol, port: cp.containerPort, notes: [] });
      else missing.push(w.id);
    }
    if (!out.length)
      this.addBroken({
        ref: service.id,
        reason: `targetPort ${JSON.stringify(target)} (${sp.protocol}) is not a named container port of any selected pod (${missing.join(", ")})`,
        ...at,
      });
    else if (missing.length)
      this.info(
        at.file,
        service.source.lineOf(["spec", "ports"]),
        `${service.id}: targetPort ${JSON.stringify(target)} is not declared by ${missing.join(", ")}; those pods get no traffic on it`,
        service.id,
      );
    return out;
  }

  // -- policy

  private ipConns(cls: PodClass, atom: IpInterval): ConnSet {
    const key = `${cls.index}\u0000${atom.family}:${atom.lo}-${atom.hi}`;
    let hit = this.ipCache.get(key);
    if (!hit) {
      hit = this.evaluator.evaluate("ingress", cls, { type: "ip", interval: atom });
      this.ipCache.set(key, hit);
    }
    return hit;
  }

  /** The policy that denies `port` in this direction: an admin-tier Deny, else a NetworkPolicy that isolates the pod. */
  private blocker(
    direction: Direction,
    subject: PodClass,
    other: Endpoint,
    protocol: Protocol,
    port: number,
  ): { id: string; notes: string[] } {
    const trace: Step[] = [];
    this.evaluator.evaluate(direction, subject, other, trace);
    const deny = trace.find(
      (s) => (s.tier === "admin" || s.tier === "baseline") && s.verdict === "deny" && s.conns.get(protocol).has(port),
    );
    if (deny?.policy) return { id: deny.policy, notes: [] };
    const isolating = this.evaluator
      .selectingPolicies(subject, direction)
      .map((p) => p.id)
      .sort();
    if (isolating.length) {
      const who = subject.members[0]?.id ?? `pods in ${subject.namespace}`;
      return {
        id: isolating[0],
        notes: [
          `${direction} of ${who} is isolated by ${isolating.join(", ")}; no rule admits ${protocol} ${port} from this source`,
        ],
      };
    }
    return { id: "unknown", notes: [] };
  }

  /** Whether traffic from `origin` reaches the target's pod port, and what that changes about the sources. */
  admit(t: Target, origin: Origin): { blockedBy: string | null; sources?: string[]; notes: string[] } {
    if (t.cls.hostNetwork)
      return { blockedBy: null, notes: [`${t.workload.id} uses hostNetwork: NetworkPolicy does not apply to it`] };
    const has = (c: ConnSet) => c.get(t.protocol).has(t.port);
    if (origin.type === "pods") {
      let block: { id: string; notes: string[] } | null = null;
      const notes: string[] = [];
      for (const src of origin.classes) {
        if (!has(this.evaluator.evaluate("ingress", t.cls, { type: "pods", pods: src }))) {
          block ??= this.blocker("ingress", t.cls, { type: "pods", pods: src }, t.protocol, t.port);
          continue;
        }
        if (!has(this.evaluator.evaluate("egress", src, { type: "pods", pods: t.cls }))) {
          const b = this.blocker("egress", src, { type: "pods", pods: t.cls }, t.protocol, t.port);
          if (!origin.synthetic) {
            block ??= b;
            continue;
          }
          notes.push(
            `${b.id} restricts egress in ${src.namespace}: if ${origin.what} run there, it blocks this traffic`,
          );
        }
        return { blockedBy: null, notes };
      }
      return { blockedBy: block?.id ?? "unknown", notes: block?.notes ?? [] };
    }
    // Outside addresses: evaluate over the atoms of address space that the policies distinguish.
    const atoms = this.atoms(t.cls.namespace, origin.type === "clients" ? origin.cidrs : null);
    if (!atoms.length) return { blockedBy: null, notes: [] };
    const admitted = atoms.filter((a) => has(this.ipConns(t.cls, a)));
    if (!admitted.length) {
      const b = this.blocker("ingress", t.cls, { type: "ip", interval: atoms[0] }, t.protocol, t.port);
      return { blockedBy: b.id, notes: b.notes };
    }
    if (admitted.length === atoms.length) return { blockedBy: null, notes: [] };
    const allowed = mergeIntervals(admitted).flatMap(intervalToCidrs);
    if (origin.type === "clients")
      return {
        blockedBy: null,
        sources: allowed,
        notes: [`NetworkPolicy admits ${t.protocol} ${t.port} only from ${allowed.join(", ")} of the entry's sources`],
      };
    return {
      blockedBy: null,
      notes: [
        `NetworkPolicy admits ${t.protocol} ${t.port} only from ${allowed.join(", ")}: the traffic passes only if ${origin.what} fall in those ranges`,
      ],
    };
  }

  /**
   * The address space (or the given client CIDRs) cut at every block that can decide ingress in this
   * namespace: within one atom every address is treated alike.
   */
  private atoms(namespace: string, cidrs: readonly string[] | null): IpInterval[] {
    const key = `${namespace}\u0000${cidrs?.join(",") ?? "*"}`;
    let atoms = this.atomCache.get(key);
    if (!atoms) {
      const region = cidrs ? cidrs.flatMap((c) => this.parseSource(c)) : [];
      const families = [...new Set([...this.families, ...region.map((r) => r.family)])].sort();
      atoms = atomize(families, [...(this.blocks.get(namespace) ?? []), ...this.adminBlocks, ...region]).filter(
        (a) => !cidrs || region.some((r) => containsInterval(r, a)),
      );
      this.atomCache.set(key, atoms);
    }
    return atoms;
  }

  private parseSource(text: string): IpInterval[] {
    try {
      return [parseCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`)];
    } catch (e) {
      if (e instanceof CidrError) return [];
      throw e;
    }
  }

  /** Emits one exposure per target, with the policy verdict. */
  emit(
    targets: readonly Target[],
    base: Omit<Exposure, "workload" | "protocol" | "port" | "blockedBy">,
    origin: Origin,
  ): void {
    for (const t of targets) {
      const verdict = this.admit(t, origin);
      const notes = [...base.notes, ...t.notes, ...verdict.notes];
      const sensitive = [t.port, base.via.servicePort, base.via.entryPort].filter(
        (p): p is number => p !== undefined && this.sensitive.has(p),
      );
      if (sensitive.length) notes.push(`sensitive port ${[...new Set(sensitive)].join(", ")}`);
      this.add({
        workload: t.workload.id,
        protocol: t.protocol,
        port: t.port,
        via: { ...base.via, matches: base.via.matches ? [...base.via.matches] : undefined },
        sources: verdict.sources ?? [...base.sources],
        blockedBy: verdict.blockedBy,
        file: base.file,
        line: base.line,
        notes: [...new Set(notes)],
      });
    }
  }

  // -- proxies

  /**
   * How a proxy's pods are reached from outside, when their Services are in the manifests: through an
   * internet-facing LoadBalancer / NodePort / externalIPs, an internal load balancer, or only ClusterIP.
   */
  frontDoor(
    workloads: readonly Workload[],
    what: string,
  ): { internal: boolean; sources: string[]; notes: string[] } | null {
    if (!workloads.length) return null;
    if (workloads.some((w) => w.hostNetwork))
      return {
        internal: false,
        sources: [...EVERYWHERE],
        notes: [`${what} use hostNetwork: reached on the nodes' addresses`],
      };
    const services = this.cluster.services.filter(
      (s) => s.selector && workloads.some((w) => w.namespace === s.namespace && selects(s.selector!, w.labels)),
    );
    if (!services.length) return null;
    const external: string[] = [];
    const sources = new Set<string>();
    const notes: string[] = [];
    let internalLb: string | undefined;
    for (const s of services) {
      const lb = s.type === "LoadBalancer" ? internalLoadBalancer(s.annotations, s.loadBalancerClass) : null;
      if (lb && !lb.internal) {
        external.push(`${s.id} (LoadBalancer)`);
        for (const r of s.loadBalancerSourceRanges.length ? s.loadBalancerSourceRanges : EVERYWHERE) sources.add(r);
      }
      if (lb?.internal) internalLb ??= `${s.id} (${lb.marker})`;
      if (s.type === "NodePort") {
        external.push(`${s.id} (NodePort)`);
        sources.add("0.0.0.0/0");
      } else if (lb && (s.allocateLoadBalancerNodePorts || s.ports.some((p) => p.nodePort)))
        notes.push(
          `${s.id} also opens node ports on every node${s.loadBalancerSourceRanges.length ? ", which its loadBalancerSourceRanges do not filter" : ""}`,
        );
      if (s.externalIPs.length) {
        external.push(`${s.id} (externalIPs)`);
        sources.add("0.0.0.0/0");
      }
    }
    const list = sources.has("0.0.0.0/0") ? [...EVERYWHERE] : [...sources];
    if (external.length)
      return {
        internal: false,
        sources: list,
        notes: [`${what} are reached through ${external.join(", ")}`, ...notes],
      };
    if (internalLb)
      return {
        internal: true,
        sources: [...EVERYWHERE],
        notes: [`${what} are reached through the internal load balancer ${internalLb}`, ...notes],
      };
    return {
      internal: true,
      sources: [...EVERYWHERE],
      notes: [
        `${what} have only ClusterIP Services (${services.map((s) => s.id).join(", ")}): not reachable from outside the cluster through them`,
      ],
    };
  }

  private proxyCache = new Map<string, Proxy>();

  /** The pods of a proxy: the workloads that match, else a synthetic pod standing for them. */
  proxy(key: string, what: string, workloads: Workload[], synthetic: () => PodClass, unknownNote: string): Proxy {
    const cached = this.proxyCache.get(key);
    if (cached) return cached;
    let proxy: Proxy;
    if (workloads.length) {
      const door = this.frontDoor(workloads, what);
      proxy = {
        origin: { type: "pods", classes: this.classesOf(workloads), synthetic: false, what },
        internal: door?.internal ?? false,
        sources: door?.sources ?? [...EVERYWHERE],
        notes: door?.notes ?? [unknownNote],
      };
    } else {
      proxy = {
        origin: { type: "pods", classes: [synthetic()], synthetic: true, what },
        internal: false,
        sources: [...EVERYWHERE],
        notes: [unknownNote],
      };
    }
    this.proxyCache.set(key, proxy);
    return proxy;
  }
}

// ---------------------------------------------------------------------------------------------------
// Entry kinds.

function serviceEntries(engine: Engine): void {
  for (const svc of engine.cluster.services) {
    if (svc.type === "ExternalName") continue;
    const isLb = svc.type === "LoadBalancer";
    if (!isLb && svc.type !== "NodePort" && !svc.externalIPs.length) continue;
    const file = svc.source.file;
    const line = svc.source.line;
    const lb = isLb ? internalLoadBalancer(svc.annotations, svc.loadBalancerClass) : { internal: false };
    const ranges = svc.loadBalancerSourceRanges;
    const local = svc.externalTrafficPolicy === "Local";
    const etpNote = local
      ? "externalTrafficPolicy Local: client addresses are kept, so NetworkPolicy sees the clients"
      : "externalTrafficPolicy Cluster: clients are SNATed to a node address, so NetworkPolicy sees the node, not the client";
    const origin = (sources: readonly string[]): Origin =>
      local ? { type: "clients", cidrs: sources } : { type: "unknown-addresses", what: "the node addresses" };
    for (const sp of svc.ports) {
      const targets = engine.targets(svc, sp);
      if (!targets.length) continue;
      if (isLb) {
        const notes = [etpNote];
        if (lb.internal) notes.push(`internal load balancer (${lb.marker})`);
        else if (lb.marker) notes.push(`internet-facing load balancer (${lb.marker})`);
        if (svc.loadBalancerClass && !lb.marker)
          notes.push(
            `loadBalancerClass ${svc.loadBalancerClass}: provisioned by that implementation, not the cloud's default load balancer`,
          );
        if (!ranges.length && !lb.internal) notes.push("no loadBalancerSourceRanges: open to every address");
        const sources = ranges.length ? [...ranges] : [...EVERYWHERE];
        engine.emit(
          targets,
          {
            via: {
              kind: "LoadBalancer",
              ref: svc.id,
              service: svc.id,
              servicePort: sp.port,
              entryPort: sp.port,
              internal: lb.internal,
            },
            sources,
            file,
            line,
            notes,
          },
          origin(sources),
        );
      }
      if (svc.type === "NodePort" || (isLb && (svc.allocateLoadBalancerNodePorts || sp.nodePort))) {
        const notes = [etpNote, "a node port listens on every node: whoever can reach a node address can use it"];
        if (sp.nodePort === undefined)
          notes.push("the node port number is allocated by the cluster (30000-32767 by default)");
        if (isLb && ranges.length)
          notes.push(
            `loadBalancerSourceRanges (${ranges.join(", ")}) do not filter the node port: clients that reach a node bypass them`,
          );
        if (isLb && !svc.allocateLoadBalancerNodePorts)
          notes.push("allocateLoadBalancerNodePorts is false but this port names a nodePort, which stays allocated");
        engine.emit(
          targets,
          {
            via: { kind: "NodePort", ref: svc.id, service: svc.id, servicePort: sp.port, entryPort: sp.nodePort },
            sources: [...EVERYWHERE],
            file,
            line,
            notes,
          },
          origin(EVERYWHERE),
        );
      }
      for (const ip of svc.externalIPs) {
        const notes = [etpNote, "Kubernetes does not check that an external IP belongs to you (CVE-2020-8554)"];
        engine.emit(
          targets,
          {
            via: {
              kind: "ExternalIP",
              ref: svc.id,
              service: svc.id,
              servicePort: sp.port,
              entryPort: sp.port,
              host: ip,
            },
            sources: [...EVERYWHERE],
            file,
            line,
            notes,
          },
          origin(EVERYWHERE),
        );
      }
    }
  }
}

/** Cloud ingress classes served by a cloud load balancer rather than in-cluster controller pods. */
function cloudIngressClass(
  ingress: Ingress,
  classes: readonly IngressClass[],
): { internal: boolean; note: string } | null {
  const cls = ingress.className;
  const controller = classes.find((c) => c.name === cls)?.controller;
  if (cls === "alb" || controller === "ingress.k8s.aws/alb") {
    const scheme = ingress.annotations["alb.ingress.kubernetes.io/scheme"];
    const internal = scheme !== "internet-facing";
    return {
      internal,
      note: `class ${cls} is an AWS ALB (${internal ? "scheme internal, the default" : "scheme internet-facing"})`,
    };
  }
  if (cls === "gce-internal")
    return { internal: true, note: "class gce-internal is an internal Google Cloud load balancer" };
  if (cls === "gce" || controller === "k8s.io/ingress-gce")
    return { internal: false, note: "class gce is an external Google Cloud load balancer" };
  return null;
}

function resolveServiceRef(
  engine: Engine,
  namespace: string,
  name: string,
  port: number | string | undefined,
): { service: Service; sp: ServicePort } | { error: string } {
  const service = engine.service(namespace, name);
  if (!service) return { error: `backend Service ${namespace}/${name} is not in the manifests` };
  const sp =
    typeof port === "number"
      ? service.ports.find((p) => p.port === port)
      : port !== undefined
        ? service.ports.find((p) => p.name === port)
        : service.ports.length === 1
          ? service.ports[0]
          : undefined;
  if (!sp)
    return { error: `Service ${service.id} has no port ${port === undefined ? "(none given)" : JSON.stringify(port)}` };
  return { service, sp };
}

function allowList(annotations: Labels, keys: readonly string[], separator: RegExp): string[] | null {
  for (const key of keys) {
    const value = annotations[key];
    if (value?.trim())
      return value
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean);
  }
  return null;
}

function ingressEntries(engine: Engine, objects: EntryObjects): void {
  const opts = engine.options.ingressController;
  const defaultClass = objects.ingressClasses.find((c) => c.isDefault);
  for (const ing of objects.ingresses) {
    const classNotes: string[] = [];
    if (ing.classFrom === "none") {
      if (defaultClass) classNotes.push(`no ingress class: the default IngressClass ${defaultClass.name} applies`);
      else
        classNotes.push(
          "no ingress class: served only by a controller that takes class-less Ingresses or when the cluster has a default IngressClass",
        );
    }
    const cloud = cloudIngressClass(ing, objects.ingressClasses);
    let proxy: Proxy;
    if (cloud) {
      proxy = {
        origin: { type: "unknown-addresses", what: "the load balancer's addresses" },
        internal: cloud.internal,
        sources: [...EVERYWHERE],
        notes: [`${cloud.note}: NetworkPolicy sees the load balancer's addresses, not in-cluster controller pods`],
      };
    } else {
      const what = `the ingress controller pods (${opts.namespace}${opts.podLabels && Object.keys(opts.podLabels).length ? `, ${labelsText(opts.podLabels)}` : ""})`;
      proxy = engine.proxy(
        `ingress:${opts.namespace}`,
        what,
        engine.workloadsIn(opts.namespace, opts.podLabels),
        () => engine.synthetic(opts.namespace, opts.podLabels ?? {}),
        `controller exposure unknown: the ingress controller${ing.className ? ` of class ${ing.className}` : ""} and its Service are not in the manifests; assumed internet-facing`,
      );
    }
    const allowed = allowList(
      ing.annotations,
      ["nginx.ingress.kubernetes.io/allowlist-source-range", "nginx.ingress.kubernetes.io/whitelist-source-range"],
      /,/,
    );
    const sourceNotes = allowed
      ? [
          "client allow-list from the annotation: effective only if the controller sees client addresses (externalTrafficPolicy Local or PROXY protocol)",
        ]
      : [];
    const sslRedirectOff = ing.annotations["nginx.ingress.kubernetes.io/ssl-redirect"] === "false";

    const entries: { host?: string; path?: string; pathType?: string; backend: IngressBackend; notes: string[] }[] = [];
    if (ing.defaultBackend)
      entries.push({
        backend: ing.defaultBackend,
        notes: ["default backend: every host and path that no rule matches"],
      });
    for (const rule of ing.rules)
      for (const p of rule.paths)
        entries.push({ host: rule.host, path: p.path, pathType: p.pathType, backend: p.backend, notes: [] });
    for (const entry of entries) {
      const b = entry.backend;
      if (b.type === "resource") {
        engine.info(
          ing.source.file,
          b.line,
          `${ing.id} sends ${entry.host ?? "every host"}${entry.path ?? ""} to the resource ${b.kind}/${b.name}, not a Service: not modelled`,
          ing.id,
        );
        continue;
      }
      const resolved = resolveServiceRef(engine, ing.namespace, b.name, b.port);
      if ("error" in resolved) {
        engine.addBroken({ ref: ing.id, reason: resolved.error, file: ing.source.file, line: b.line });
        continue;
      }
      const tls = ingressTlsCovers(ing, entry.host);
      const notes = [...classNotes, ...proxy.notes, ...sourceNotes, ...entry.notes];
      if (tls && sslRedirectOff) notes.push("ssl-redirect: false: also served over plain HTTP on :80");
      if (!tls) notes.push("no TLS for this host: served over plain HTTP");
      if (entry.host?.startsWith("*.")) notes.push(`wildcard host ${entry.host}: matches exactly one more label`);
      engine.emit(
        engine.targets(resolved.service, resolved.sp),
        {
          via: {
            kind: "Ingress",
            ref: ing.id,
            service: resolved.service.id,
            servicePort: resolved.sp.port,
            entryPort: tls ? 443 : 80,
            host: entry.host,
            path: entry.path,
            tls,
            internal: proxy.internal,
            matches: entry.pathType ? [`${entry.pathType} ${entry.path ?? "/"}`] : ["default backend"],
          },
          sources: allowed ?? [...proxy.sources],
          file: ing.source.file,
          line: ing.source.line,
          notes,
        },
        proxy.origin,
      );
    }
  }
}

function gatewayProxy(engine: Engine, gw: Gateway): Proxy {
  const LABEL = "gateway.networking.k8s.io/gateway-name";
  const plane = engine.options.gatewayDataPlane;
  const named = engine.labelled(LABEL, gw.name).filter((w) => SERVING_KINDS(w));
  const own = named.filter((w) => w.namespace === gw.namespace);
  let workloads = own.length ? own : named;
  let synthetic = () => engine.synthetic(gw.namespace, { [LABEL]: gw.name });
  let what = `the data-plane pods of ${gw.id}`;
  if (!workloads.length && plane && (plane.namespace || plane.podLabels)) {
    const ns = plane.namespace ?? gw.namespace;
    workloads = engine.workloadsIn(ns, plane.podLabels);
    synthetic = () => engine.synthetic(ns, plane.podLabels ?? { [LABEL]: gw.name });
    what = `the Gateway data-plane pods (${ns}${plane.podLabels ? `, ${labelsText(plane.podLabels)}` : ""})`;
  }
  const base = engine.proxy(
    `gateway:${gw.id}`,
    what,
    workloads,
    synthetic,
    `the GatewayClass ${gw.className} decides whether ${gw.id} is internet-facing (most implementations create a LoadBalancer Service for it); assumed internet-facing`,
  );
  const internalClasses = [...BUILTIN_INTERNAL_GATEWAY_CLASSES, ...(engine.options.internalGatewayClasses ?? [])];
  if (internalClasses.includes(gw.className))
    return { ...base, internal: true, notes: [`GatewayClass ${gw.className} is internal (not internet-facing)`] };
  const address = gw.addresses.find((a) => a.type === "IPAddress" && isPrivateAddress(a.value));
  if (address) return { ...base, internal: true, notes: [`${gw.id} requests the private address ${address.value}`] };
  const infra = internalLoadBalancer(gw.infrastructure.annotations);
  if (infra.internal)
    return {
      ...base,
      internal: true,
      notes: [`spec.infrastructure marks the Gateway's load balancer internal (${infra.marker})`],
    };
  return base;
}

function gatewayEntries(engine: Engine, objects: EntryObjects): void {
  const gateways = new Map(objects.gateways.map((g) => [g.id, g]));
  const statuses = gatewayRouteStatuses(engine.cluster, objects);
  for (const { route, parents, backends } of statuses) {
    const file = route.source.file;
    if (!route.parentRefs.length)
      engine.info(file, route.source.line, `${route.id} has no parentRefs: it is attached to no Gateway`, route.id);
    for (const p of parents)
      if (!p.accepted)
        engine.addBroken({
          ref: route.id,
          reason: `${p.reason}: not accepted by ${p.parent}${p.sectionName ? `:${p.sectionName}` : ""}: ${p.message}`,
          file,
          line: p.line,
        });
    const accepted = parents.filter((p) => p.accepted);
    if (!accepted.length) continue;
    for (const b of backends)
      if (b.reason !== "ResolvedRefs")
        engine.addBroken({
          ref: route.id,
          reason: `${b.reason}: rule ${b.rule + 1}: ${b.message}`,
          file,
          line: b.ref.line,
        });
    for (const p of accepted) {
      const gw = gateways.get(p.parent)!;
      const proxy = gatewayProxy(engine, gw);
      for (const { listener, hostnames } of p.listeners) {
        const listenerNotes: string[] = [];
        if (listener.tlsMode === "Passthrough") listenerNotes.push("TLS passthrough: the backend terminates TLS");
        for (const c of listener.certificateRefs)
          if (
            c.namespace &&
            c.namespace !== gw.namespace &&
            !findGrant(
              objects.grants,
              { group: GATEWAY_GROUP, kind: "Gateway", namespace: gw.namespace },
              { group: c.group, kind: c.kind, namespace: c.namespace, name: c.name },
            )
          )
            listenerNotes.push(
              `listener ${listener.name}: certificateRef ${c.namespace}/${c.kind}/${c.name} is not allowed by a ReferenceGrant (RefNotPermitted): the listener is not programmed`,
            );
        if (listener.allowedNamespaces.from === "All")
          listenerNotes.push(`listener ${listener.name} accepts routes from every namespace`);
        for (const host of hostnames) {
          const hostNotes = host?.startsWith("*.")
            ? [`wildcard host ${host}: matches one or more labels`]
            : host === undefined && route.kind !== "TCPRoute" && route.kind !== "UDPRoute"
              ? ["no hostname: every host"]
              : [];
          for (const rule of route.rules) {
            const ok = backends.filter((b) => b.rule === rule.index && b.reason === "ResolvedRefs");
            const total = ok.filter((b) => !b.ref.mirror).reduce((sum, b) => sum + b.ref.weight, 0);
            for (const b of ok) {
              if (!b.ref.mirror && b.ref.weight === 0) continue;
              const notes = [...proxy.notes, ...listenerNotes, ...hostNotes];
              if (b.ref.mirror) notes.push("receives a mirrored copy of the requests (RequestMirror)");
              else if (ok.filter((x) => !x.ref.mirror).length > 1) notes.push(`weight ${b.ref.weight} of ${total}`);
              if (b.service!.namespace !== route.namespace)
                notes.push(`cross-namespace backend, allowed by a ReferenceGrant in ${b.service!.namespace}`);
              engine.emit(
                engine.targets(b.service!, b.servicePort!),
                {
                  via: {
                    kind: "Gateway",
                    ref: route.id,
                    service: b.service!.id,
                    servicePort: b.servicePort!.port,
                    entryPort: listener.port,
                    host,
                    listener: `${gw.id}:${listener.name}`,
                    tls: listener.protocol === "HTTPS" || listener.protocol === "TLS",
                    internal: proxy.internal,
                    matches: rule.matches.length ? [...rule.matches] : undefined,
                  },
                  sources: [...proxy.sources],
                  file,
                  line: route.source.line,
                  notes,
                },
                proxy.origin,
              );
            }
          }
        }
      }
    }
  }
}

const ROUTER_NAMESPACE_LABELS = {
  "policy-group.network.openshift.io/ingress": "",
  "network.openshift.io/policy-group": "ingress",
};
const ROUTER_POD_LABELS = { "ingresscontroller.operator.openshift.io/deployment-ingresscontroller": "default" };

function openshiftRouteEntries(engine: Engine, objects: EntryObjects): void {
  if (!objects.openshiftRoutes.length) return;
  const opts = engine.options.openshiftRouter ?? {};
  const ns = opts.namespace ?? "openshift-ingress";
  const what = `the OpenShift router pods (${ns})`;
  const proxy = engine.proxy(
    `router:${ns}`,
    what,
    engine.workloadsIn(ns, opts.podLabels),
    // The ingress operator labels openshift-ingress with the policy groups that backend policies admit.
    () =>
      engine.synthetic(
        ns,
        opts.podLabels ?? ROUTER_POD_LABELS,
        ns === "openshift-ingress" ? ROUTER_NAMESPACE_LABELS : {},
      ),
    "router exposure unknown: the router's Service is not in the manifests (router sharding decides which router serves the route); assumed internet-facing",
  );
  for (const r of objects.openshiftRoutes) {
    const file = r.source.file;
    const notes: string[] = [...proxy.notes];
    let host = r.host;
    if (!host)
      notes.push(
        r.subdomain
          ? `host ${r.subdomain}.<router domain>, generated by the router`
          : "host generated by the router (<name>-<namespace>.<router domain>)",
      );
    if (r.wildcardPolicy === "Subdomain") {
      const base = host ?? "";
      const dot = base.indexOf(".");
      host = dot > 0 ? `*${base.slice(dot)}` : host;
      notes.push(`wildcardPolicy Subdomain: serves every host under ${dot > 0 ? base.slice(dot + 1) : "the domain"}`);
    }
    const tls = !!r.tls;
    if (!r.tls) notes.push("no TLS: served over plain HTTP");
    else {
      if (r.tls.insecureEdgeTerminationPolicy === "Allow")
        notes.push("insecureEdgeTerminationPolicy Allow: also served over plain HTTP on :80");
      if (r.tls.termination === "passthrough") notes.push("TLS passthrough: the backend terminates TLS");
      if (r.tls.termination === "edge") notes.push("edge termination: plain HTTP from the router to the pod");
    }
    const allowed = allowList(
      r.annotations,
      ["haproxy.router.openshift.io/ip_allowlist", "haproxy.router.openshift.io/ip_whitelist"],
      /\s+/,
    );
    const live = r.backends.filter((b) => b.weight > 0);
    if (!live.length) {
      engine.addBroken({
        ref: r.id,
        reason: "every backend has weight 0: the router answers 503",
        file,
        line: r.source.lineOf(["spec", "to"]),
      });
      continue;
    }
    const total = live.reduce((s, b) => s + b.weight, 0);
    for (const b of live) {
      if (b.kind !== "Service") {
        engine.addBroken({ ref: r.id, reason: `backend kind ${b.kind} is not a Service`, file, line: b.line });
        continue;
      }
      const service = engine.service(r.namespace, b.name);
      if (!service) {
        engine.addBroken({
          ref: r.id,
          reason: `backend Service ${r.namespace}/${b.name} is not in the manifests`,
          file,
          line: b.line,
        });
        continue;
      }
      // targetPort names the endpoints' port: a number is the pod port (the Service's targetPort, resolved
      // per pod), a name is the Service port's name. Without it the router uses every port.
      const tp = r.targetPort;
      const picks: { sp: ServicePort; targets: Target[] }[] = [];
      for (const sp of service.ports) {
        const targets = engine.targets(service, sp);
        if (tp === undefined || sp.name === tp || (typeof tp === "string" && sp.targetPort === tp))
          picks.push({ sp, targets });
        else if (typeof tp === "number" && targets.some((t) => t.port === tp))
          picks.push({ sp, targets: targets.filter((t) => t.port === tp) });
      }
      if (!picks.length && typeof tp === "number")
        for (const sp of service.ports.filter((p) => p.port === tp))
          picks.push({ sp, targets: engine.targets(service, sp) });
      if (!picks.length) {
        engine.addBroken({
          ref: r.id,
          reason: `Service ${service.id} has no port matching targetPort ${JSON.stringify(tp)}`,
          file,
          line: r.source.lineOf(["spec", "port", "targetPort"]),
        });
        continue;
      }
      const backendNotes = live.length > 1 ? [`weight ${b.weight} of ${total}`] : [];
      for (const { sp, targets } of picks)
        engine.emit(
          targets,
          {
            via: {
              kind: "Route",
              ref: r.id,
              service: service.id,
              servicePort: sp.port,
              entryPort: tls ? 443 : 80,
              host,
              path: r.path,
              tls,
              internal: proxy.internal,
              matches: r.path ? [`Prefix ${r.path}`] : undefined,
            },
            sources: allowed ?? [...proxy.sources],
            file,
            line: r.source.line,
            notes: [
              ...notes,
              ...backendNotes,
              ...(allowed ? ["client allow-list from the ip_allowlist annotation"] : []),
            ],
          },
          proxy.origin,
        );
    }
  }
}

/** Every external entry of the snapshot and the pod ports it reaches; routes that reach nothing are `broken`. */
export function computeExposure(cluster: Cluster, options: Partial<ExposureOptions> = {}): ExposureResult {
  const merged: ExposureOptions = {
    ...DEFAULT_EXPOSURE_OPTIONS,
    ...options,
    ingressController: { ...DEFAULT_EXPOSURE_OPTIONS.ingressController, ...options.ingressController },
    openshiftRouter: { ...DEFAULT_EXPOSURE_OPTIONS.openshiftRouter, ...options.openshiftRouter },
  };
  const engine = new Engine(cluster, merged);
  const objects = readEntryObjects(cluster, engine.diagnostics);
  serviceEntries(engine);
  ingressEntries(engine, objects);
  gatewayEntries(engine, objects);
  openshiftRouteEntries(engine, objects);
  return engine.result();
}
