// The typed collections a cluster is built into while the kind readers run (model/kind-table.ts).
import type { Diagnostics } from "../manifests/diagnostics.js";
import { dependencyInputs } from "./dependencies.js";
import type { CalicoPolicy, CalicoTier } from "./kinds/calico-policy.js";
import type { CiliumPolicy } from "./kinds/cilium-policy.js";
import type { Gateway } from "./kinds/gateway.js";
import type { AuthorizationPolicy, PeerAuthentication } from "./kinds/istio-policy.js";
import type { GatewayClass } from "./kinds/gateway-class.js";
import type { Ingress } from "./kinds/ingress.js";
import type { IngressClass } from "./kinds/ingress-class.js";
import type { ServiceExport, ServiceImport } from "./kinds/multicluster.js";
import type { OpenShiftRoute } from "./kinds/openshift-route.js";
import type { ReferenceGrant } from "./kinds/reference-grant.js";
import type { XRoute } from "./kinds/xroute.js";
import type { AdminPolicy, Namespace, NetworkPolicy, ObjectInput, OtherObject, Service, Workload } from "./types.js";

/** The typed collections a cluster is built into, keyed by id (a later definition replaces an earlier one). */
export class Collections {
  readonly namespaces = new Map<string, Namespace>();
  readonly workloads = new Map<string, Workload>();
  readonly services = new Map<string, Service>();
  readonly networkPolicies = new Map<string, NetworkPolicy>();
  readonly adminPolicies = new Map<string, AdminPolicy>();
  readonly ciliumPolicies = new Map<string, CiliumPolicy>();
  readonly calicoPolicies = new Map<string, CalicoPolicy>();
  readonly calicoTiers = new Map<string, CalicoTier>();
  readonly authorizationPolicies = new Map<string, AuthorizationPolicy>();
  readonly peerAuthentications = new Map<string, PeerAuthentication>();
  readonly ingresses = new Map<string, Ingress>();
  readonly ingressClasses = new Map<string, IngressClass>();
  readonly gatewayClasses = new Map<string, GatewayClass>();
  readonly gateways = new Map<string, Gateway>();
  readonly xroutes = new Map<string, XRoute>();
  readonly referenceGrants = new Map<string, ReferenceGrant>();
  readonly openshiftRoutes = new Map<string, OpenShiftRoute>();
  readonly serviceExports = new Map<string, ServiceExport>();
  readonly serviceImports = new Map<string, ServiceImport>();
  readonly others: OtherObject[] = [];
  /** Workloads known only from the pods a controller owns (a live dump), not from the controller itself. */
  readonly fromPods = new Set<string>();
  /** What declares dependencies (model/dependencies.ts), read alongside. */
  readonly inputs = dependencyInputs();

  constructor(readonly diagnostics: Diagnostics) {}

  put<T extends { id: string; source: ObjectInput["source"] }>(map: Map<string, T>, value: T): void {
    const previous = map.get(value.id);
    if (previous)
      this.diagnostics.warning(
        value.source.file,
        value.source.line,
        `${value.id} is defined again (first at ${previous.source.file}:${previous.source.line}); the later definition is used`,
        value.id,
      );
    map.set(value.id, value);
  }
}
