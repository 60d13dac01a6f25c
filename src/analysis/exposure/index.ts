// External exposure: every way traffic from outside the cluster enters it, followed along the real
// path: entry point (LoadBalancer, NodePort, externalIPs, hostPort, hostNetwork, Ingress rule, Gateway
// listener + route, OpenShift Route) -> Service port -> targetPort -> container port of the pods the Service selects ->
// whether those pods' NetworkPolicies (and admin policies) let that traffic in. Traffic through a
// proxy (ingress controller, Gateway data plane, router) reaches the pods from the proxy's pods; traffic
// through a LoadBalancer or NodePort comes from the client (externalTrafficPolicy Local) or from a node
// address (Cluster, SNAT). Pure: no I/O. Each entry kind is a module of entries/, run from one list.
import type { Cluster } from "../../model/types.js";
import { createContext } from "./context.js";
import { ENTRY_KINDS } from "./entries/index.js";
import { DEFAULT_EXPOSURE_OPTIONS, type ExposureOptions, type ExposureResult } from "./types.js";

export { internalLoadBalancer } from "./cloud.js";
export { gatewayRouteStatuses, type RouteStatus } from "./gateway-status.js";
export type {
  BrokenRoute,
  Exposure,
  ExposureOptions,
  ExposureResult,
} from "./types.js";

/** Every external entry of the snapshot and the pod ports it reaches; routes that reach nothing are `broken`. */
export function computeExposure(cluster: Cluster, options: Partial<ExposureOptions> = {}): ExposureResult {
  const merged: ExposureOptions = {
    ...DEFAULT_EXPOSURE_OPTIONS,
    ...options,
    ingressController: { ...DEFAULT_EXPOSURE_OPTIONS.ingressController, ...options.ingressController },
    openshiftRouter: { ...DEFAULT_EXPOSURE_OPTIONS.openshiftRouter, ...options.openshiftRouter },
  };
  const ctx = createContext(cluster, merged);
  for (const kind of ENTRY_KINDS) kind.collect(ctx);
  return ctx.out.result();
}
