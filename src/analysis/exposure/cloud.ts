// What the clouds' load balancers say about themselves: annotations and classes that make a
// LoadBalancer Service, an Ingress or a Gateway internal rather than internet-facing.
import { CidrError, containsInterval, parseCidr } from "../../core/ip.js";
import type { Labels } from "../../core/label-selector.js";
import type { Ingress } from "../../model/kinds/ingress.js";
import type { IngressClass } from "../../model/kinds/ingress-class.js";

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
export const BUILTIN_INTERNAL_GATEWAY_CLASSES = [
  "gke-l7-rilb",
  "gke-l7-rilb-mc",
  "gke-l7-cross-regional-internal-managed",
  "gke-l7-cross-regional-internal-managed-mc",
];

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map(parseCidr);

export function isPrivateAddress(text: string): boolean {
  try {
    const iv = parseCidr(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
    return PRIVATE.some((p) => containsInterval(p, iv));
  } catch (e) {
    if (e instanceof CidrError) return false;
    throw e;
  }
}

/** Cloud ingress classes served by a cloud load balancer rather than in-cluster controller pods. */
export function cloudIngressClass(
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
