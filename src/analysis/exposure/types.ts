// What the exposure analysis answers: each way traffic from outside the cluster reaches a pod port,
// the routes that reach nothing, and the settings that say where the proxies run.
import { DEFAULT_SENSITIVE_PORTS } from "../../config/schema.js";
import type { Protocol } from "../../core/port-set.js";
import type { Diagnostic } from "../../manifests/diagnostics.js";

export type EntryKind =
  | "LoadBalancer"
  | "NodePort"
  | "ExternalIP"
  | "HostPort"
  | "HostNetwork"
  | "Ingress"
  | "Gateway"
  | "Route"
  | "ServiceExport";

/** The order exposures are listed in: the entry kinds, from the Service's own doors to the proxies. */
export const ENTRY_KIND_ORDER: readonly EntryKind[] = [
  "LoadBalancer",
  "NodePort",
  "ExternalIP",
  "HostPort",
  "HostNetwork",
  "Ingress",
  "Gateway",
  "Route",
  "ServiceExport",
];

export interface Exposure {
  /** ns/Kind/name of the receiving workload. */
  workload: string;
  protocol: Protocol;
  /** The container (pod) port reached. */
  port: number;
  via: {
    kind: EntryKind;
    /** ns/Kind/name of the Service, Ingress, HTTPRoute (or other route kind), Route, ServiceExport, or the workload (HostPort, HostNetwork). */
    ref: string;
    service?: string;
    /** The Service port the entry sends to (before targetPort). */
    servicePort?: number;
    /** LoadBalancer port, nodePort, listener port, 80/443 for Ingress and Route, the hostPort, or the port a hostNetwork pod listens on. */
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
  /** CIDRs that may use the entry (0.0.0.0/0, loadBalancerSourceRanges, allow-list annotations, ...), or CLUSTERSET. */
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

/** The source of a ServiceExport: the pods of the other clusters of the clusterset (no address block). */
export const CLUSTERSET: readonly string[] = ["clusterset"];

/** Every address: the sources of an entry that nothing filters. */
export const EVERYWHERE: readonly string[] = ["0.0.0.0/0"];
