// Proxies in front of routes (ingress controller, Gateway data plane, OpenShift router): which pods the
// traffic comes from, and how those pods are reached from outside (their own Services, or assumed
// internet-facing when they are not in the manifests).
import type { Cluster, Workload } from "../../model/types.js";
import type { PodClass } from "../policy-eval.js";
import type { Origin } from "./admission.js";
import { internalLoadBalancer } from "./cloud.js";
import { type Pods, selects } from "./pods.js";
import { EVERYWHERE } from "./types.js";

/** A proxy in front of routes: who its pods are and how it is reached. */
export interface RouteProxy {
  readonly origin: Origin;
  readonly internal: boolean;
  readonly sources: readonly string[];
  readonly notes: readonly string[];
}

export class Proxies {
  private readonly cache = new Map<string, RouteProxy>();

  constructor(
    private readonly cluster: Cluster,
    private readonly pods: Pods,
  ) {}

  /** The pods of a proxy: the workloads that match, else a synthetic pod standing for them (cached by key). */
  proxy(key: string, what: string, workloads: Workload[], synthetic: () => PodClass, unknownNote: string): RouteProxy {
    const cached = this.cache.get(key);
    if (cached) return cached;
    let proxy: RouteProxy;
    if (workloads.length) {
      const door = this.frontDoor(workloads, what);
      proxy = {
        origin: { type: "pods", classes: this.pods.classesOf(workloads), synthetic: false, what },
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
    this.cache.set(key, proxy);
    return proxy;
  }

  /**
   * How a proxy's pods are reached from outside, when their Services are in the manifests: through an
   * internet-facing LoadBalancer / NodePort / externalIPs, an internal load balancer, or only ClusterIP.
   */
  private frontDoor(
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
    const hostPorts = [...new Set(workloads.flatMap((w) => w.ports.flatMap((p) => (p.hostPort ? [p.hostPort] : []))))];
    if (hostPorts.length)
      return {
        internal: false,
        sources: [...EVERYWHERE],
        notes: [
          `${what} publish hostPort ${hostPorts.sort((a, b) => a - b).join(", ")}: reached on the nodes' addresses`,
        ],
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
}
