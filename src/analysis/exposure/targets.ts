// Service port -> targetPort -> the container ports of the pods the Service selects: where an entry
// that sends to a Service lands. A Service that lands nowhere is a broken route, said once.
import type { Protocol } from "../../core/port-set.js";
import type { Cluster, Service, ServicePort, Workload } from "../../model/types.js";
import type { PodClass } from "../policy-eval.js";
import type { Collector } from "./collect.js";
import { labelsText, type Pods, selects } from "./pods.js";

/** A pod port that an entry reaches: one selected workload, through one Service port. */
export interface Target {
  readonly workload: Workload;
  readonly cls: PodClass;
  readonly protocol: Protocol;
  readonly port: number;
  readonly notes: readonly string[];
}

export class Targets {
  private readonly services: Map<string, Service>;
  private readonly cache = new Map<string, Target[]>();

  constructor(
    cluster: Cluster,
    private readonly pods: Pods,
    private readonly out: Collector,
  ) {
    this.services = new Map(cluster.services.map((s) => [s.id, s]));
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(`${namespace}/Service/${name}`);
  }

  /** A backend named by Service name and port (number, port name, or none when the Service has one port). */
  serviceRef(
    namespace: string,
    name: string,
    port: number | string | undefined,
  ): { service: Service; sp: ServicePort } | { error: string } {
    const service = this.service(namespace, name);
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
      return {
        error: `Service ${service.id} has no port ${port === undefined ? "(none given)" : JSON.stringify(port)}`,
      };
    return { service, sp };
  }

  /**
   * Service port -> the pod ports it reaches, per selected workload. Reports a Service that selects no
   * pod, or whose named targetPort no selected container declares, as broken (once).
   */
  of(service: Service, sp: ServicePort): Target[] {
    const key = `${service.id}\u0000${sp.protocol}\u0000${sp.port}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const out: Target[] = [];
    this.cache.set(key, out);
    const at = { file: service.source.file, line: service.source.line };
    if (service.type === "ExternalName") {
      this.out.info(
        at.file,
        at.line,
        `${service.id} is an ExternalName Service (${service.externalName ?? "no name"}): traffic sent to it leaves the cluster, no pod is exposed`,
        service.id,
      );
      return out;
    }
    if (service.selector === null) {
      this.out.info(
        at.file,
        at.line,
        `${service.id} has no selector: its endpoints are managed by hand (EndpointSlice), so the pods or addresses it reaches are not modelled`,
        service.id,
      );
      return out;
    }
    const selected = this.pods.inNamespace(service.namespace).filter((w) => selects(service.selector!, w.labels));
    if (!selected.length) {
      this.out.addBroken({
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
        out.push({ workload: w, cls: this.pods.classFor(w), protocol: sp.protocol, port: target, notes });
      }
      return out;
    }
    const missing: string[] = [];
    for (const w of selected) {
      const cp = w.ports.find((p) => p.name === target && p.protocol === sp.protocol);
      if (cp)
        out.push({
          workload: w,
          cls: this.pods.classFor(w),
          protocol: sp.protocol,
          port: cp.containerPort,
          notes: [],
        });
      else missing.push(w.id);
    }
    if (!out.length)
      this.out.addBroken({
        ref: service.id,
        reason: `targetPort ${JSON.stringify(target)} (${sp.protocol}) is not a named container port of any selected pod (${missing.join(", ")})`,
        ...at,
      });
    else if (missing.length)
      this.out.info(
        at.file,
        service.source.lineOf(["spec", "ports"]),
        `${service.id}: targetPort ${JSON.stringify(target)} is not declared by ${missing.join(", ")}; those pods get no traffic on it`,
        service.id,
      );
    return out;
  }
}
