// What the Gateway API kinds (gateway.networking.k8s.io) share: the group, the versions read (v1,
// v1beta1, v1alpha2, v1alpha3, all into one shape), and group/kind references.
export const GATEWAY_GROUP = "gateway.networking.k8s.io";
const GATEWAY_VERSIONS = ["v1", "v1beta1", "v1alpha2", "v1alpha3"] as const;

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** Whether the object's apiVersion is one the Gateway API modules read. */
export function knownGatewayVersion(apiVersion: string): boolean {
  return (GATEWAY_VERSIONS as readonly string[]).some((v) => apiVersion === `${GATEWAY_GROUP}/${v}`);
}
