// The cluster snapshot that the analysis reads: typed objects, each with the file and line it came from.
import type { IpInterval } from "../core/ip.js";
import type { LabelSelector, Labels } from "../core/label-selector.js";
import type { PortSet, Protocol } from "../core/port-set.js";
import type { Source, RawObject } from "../manifests/parse.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { CalicoPolicy, CalicoTier } from "./kinds/calico-policy.js";
import type { CiliumPolicy } from "./kinds/cilium-policy.js";
import type { Gateway } from "./kinds/gateway.js";
import type { AuthorizationPolicy, PeerAuthentication } from "./kinds/istio-policy.js";
import type { GatewayClass } from "./kinds/gateway-class.js";
import type { Ingress } from "./kinds/ingress.js";
import type { IngressClass } from "./kinds/ingress-class.js";
import type { Meta } from "./kinds/metadata.js";
import type { ServiceExport, ServiceImport } from "./kinds/multicluster.js";
import type { OpenShiftRoute } from "./kinds/openshift-route.js";
import type { ReferenceGrant } from "./kinds/reference-grant.js";
import type { XRoute } from "./kinds/xroute.js";

export interface Located {
  /** `namespace/Kind/name`, or `Kind/name` for cluster-scoped objects. */
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly source: Source;
}

export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
  /** Absent when the namespace is only referenced, not declared. */
  readonly source?: Source;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly hostPort?: number;
  /** The node address the hostPort is bound to (default: every address of the node). */
  readonly hostIP?: string;
}

/** One pod template: a Pod, or the template of a controller (Deployment, CronJob, ...). */
export interface Workload extends Located {
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly replicas?: number;
  readonly serviceAccountName?: string;
  /** The pod's `sidecar.istio.io/inject` annotation, when set. */
  readonly sidecarInject?: string;
}

export type NetworkPolicyPeer =
  | {
      readonly type: "pods";
      readonly namespaceSelector: LabelSelector | null;
      readonly podSelector: LabelSelector;
      readonly path: string;
    }
  | {
      readonly type: "ipBlock";
      readonly cidr: IpInterval;
      readonly except: readonly IpInterval[];
      readonly text: string;
      readonly path: string;
    };

export interface NetworkPolicyPort {
  readonly protocol: Protocol;
  /** A number (with an optional endPort), a container port name, or undefined for every port. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface NetworkPolicyRule {
  /** 0-based position in spec.ingress / spec.egress. */
  readonly index: number;
  readonly line: number;
  /** null when `from`/`to` is absent or empty: every peer. */
  readonly peers: readonly NetworkPolicyPeer[] | null;
  /** null when `ports` is absent or empty: every port and protocol. */
  readonly ports: readonly NetworkPolicyPort[] | null;
}

export interface NetworkPolicy extends Located {
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly policyTypes: { readonly ingress: boolean; readonly egress: boolean };
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

export type AdminAction = "Allow" | "Deny" | "Pass";

export type AdminPeer =
  | { readonly type: "pods"; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector | null }
  | { readonly type: "networks"; readonly blocks: readonly IpInterval[]; readonly text: readonly string[] }
  /** A peer kind we cannot evaluate (nodes, domainNames, or one unknown to us). */
  | { readonly type: "unsupported"; readonly what: string };

export type AdminPort =
  | { readonly type: "numbers"; readonly protocol: Protocol; readonly ports: PortSet }
  | { readonly type: "named"; readonly name: string };

export interface AdminRule {
  readonly index: number;
  readonly name: string;
  readonly line: number;
  readonly action: AdminAction;
  readonly peers: readonly AdminPeer[];
  /** null: every port and protocol. */
  readonly ports: readonly AdminPort[] | null;
}

/** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy, read into one shape. */
export interface AdminPolicy extends Located {
  readonly tier: "admin" | "baseline";
  readonly priority: number;
  readonly subject: { readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector | null };
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
}

export interface ServicePort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly targetPort: number | string;
  readonly nodePort?: number;
  readonly appProtocol?: string;
}

export interface Service extends Located {
  readonly namespace: string;
  readonly type: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
  /** null: no selector (endpoints managed by hand). */
  readonly selector: Labels | null;
  readonly ports: readonly ServicePort[];
  readonly headless: boolean;
  readonly externalIPs: readonly string[];
  readonly externalName?: string;
  readonly loadBalancerSourceRanges: readonly string[];
  readonly loadBalancerClass?: string;
  readonly allocateLoadBalancerNodePorts: boolean;
  readonly externalTrafficPolicy: "Cluster" | "Local";
  readonly annotations: Labels;
}

/** What a kind's reader is given: the object's data, its checked metadata, and where it came from. */
export interface ObjectInput {
  /** `namespace/Kind/name`, or `Kind/name` for cluster-scoped kinds. */
  readonly id: string;
  readonly kind: string;
  readonly group: string;
  readonly apiVersion: string;
  /** The object's namespace, defaulted; undefined for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly meta: Meta;
  readonly data: Record<string, unknown>;
  readonly source: Source;
}

/**
 * An object of a kind that is listed among the changed objects but not modelled (ListenerSet,
 * BackendTLSPolicy, EndpointSlice, Endpoints): no analysis reads its content.
 */
export interface OtherObject extends Located {
  readonly namespace?: string;
  readonly apiVersion: string;
  readonly raw: RawObject;
}

/** Where a dependency comes from: the field of a pod, a mounted or referenced ConfigMap/Secret, or an API object. */
export type DependencySource =
  | "env"
  | "args"
  | "command"
  | "ConfigMap"
  | "Secret"
  | "ServiceMonitor"
  | "PodMonitor"
  | "Prometheus"
  | "ValidatingWebhookConfiguration"
  | "MutatingWebhookConfiguration"
  | "APIService";

/** What the called Service is to the caller, for the words of a finding. */
export type DependencyRole =
  | "service"
  | "data source"
  | "scrape target"
  | "Alertmanager"
  | "remote write endpoint"
  | "admission webhook"
  | "API service";

/** A pod a dependency reaches, on the container port the Service's targetPort picks there. */
export interface DependencyTarget {
  readonly workload: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/**
 * A flow the configuration declares: a workload (or the API server) calls a Service by its DNS name,
 * or a Prometheus must scrape a target. Only names that resolve to a Service (or pods) of the cluster.
 */
export interface Dependency {
  /** The calling workload's id, or API_SERVER for webhooks and aggregated APIs. */
  readonly from: string;
  /** The Service called (absent for a PodMonitor, which names pods). */
  readonly service?: string;
  /** The Service port called. */
  readonly servicePort?: number;
  /** The address as written (`prometheus-k8s.monitoring.svc:9090`), or what names the target. */
  readonly address: string;
  readonly role: DependencyRole;
  readonly via: DependencySource;
  /** The object and field that declare it, and where. */
  readonly declared: {
    readonly object: string;
    readonly field: string;
    readonly file: string;
    readonly line: number;
  };
  readonly targets: readonly DependencyTarget[];
}

export interface Cluster {
  /** How many Kubernetes objects (with apiVersion and kind) were read: 0 means there is nothing to analyse. */
  readonly objects: number;
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly adminPolicies: readonly AdminPolicy[];
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy; evaluated only when the CNI is Cilium (analysis/dataplane.ts). */
  readonly ciliumPolicies?: readonly CiliumPolicy[];
  /** Calico NetworkPolicy and GlobalNetworkPolicy; evaluated only when the CNI is Calico (analysis/dataplane.ts). */
  readonly calicoPolicies?: readonly CalicoPolicy[];
  /** Calico Tier objects (their order and default action); the default tier exists without one. */
  readonly calicoTiers?: readonly CalicoTier[];
  /** Istio AuthorizationPolicy; evaluated only when the mesh is Istio (analysis/dataplane.ts). */
  readonly authorizationPolicies?: readonly AuthorizationPolicy[];
  /** Istio PeerAuthentication (mTLS modes); read with the AuthorizationPolicies. */
  readonly peerAuthentications?: readonly PeerAuthentication[];
  // The entry kinds: how traffic from outside reaches Services.
  readonly ingresses: readonly Ingress[];
  readonly ingressClasses: readonly IngressClass[];
  readonly gatewayClasses: readonly GatewayClass[];
  readonly gateways: readonly Gateway[];
  /** Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute). */
  readonly xroutes: readonly XRoute[];
  readonly referenceGrants: readonly ReferenceGrant[];
  readonly openshiftRoutes: readonly OpenShiftRoute[];
  /** Multi-cluster Services (KEP-1645): Services exported to the clusterset, and Services imported from it. */
  readonly serviceExports?: readonly ServiceExport[];
  readonly serviceImports?: readonly ServiceImport[];
  readonly others: readonly OtherObject[];
  /** Flows the configuration declares (model/dependencies.ts). */
  readonly dependencies: readonly Dependency[];
  readonly diagnostics: readonly Diagnostic[];
}
