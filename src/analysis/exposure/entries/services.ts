// A Service's own doors: a LoadBalancer port, a node port on every node, and each external IP. The
// packets come from the clients (externalTrafficPolicy Local) or from a node address (Cluster: SNAT).
import type { Origin } from "../admission.js";
import { internalLoadBalancer } from "../cloud.js";
import type { EntryKindModule, ExposureContext } from "../context.js";
import { EVERYWHERE } from "../types.js";

function collect(ctx: ExposureContext): void {
  for (const svc of ctx.cluster.services) {
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
      const targets = ctx.targets.of(svc, sp);
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
        ctx.out.emit(
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
        ctx.out.emit(
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
        ctx.out.emit(
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

export const services: EntryKindModule = { name: "Service", collect };
