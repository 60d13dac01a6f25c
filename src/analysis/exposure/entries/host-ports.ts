// Entry points on the nodes themselves: a container port published with hostPort, and every port of a
// hostNetwork pod. Both are reached at the node's addresses, on each node a pod of the workload runs on
// (every node it can be scheduled on; every node for a DaemonSet), with no Service in between.
import type { Workload } from "../../../model/types.js";
import type { Origin } from "../admission.js";
import type { EntryKindModule, ExposureContext } from "../context.js";
import { EVERYWHERE } from "../types.js";

const LOOPBACK = /^(127\.|::1$|0:0:0:0:0:0:0:1$)/;

function where(w: Workload): string {
  return w.kind === "DaemonSet"
    ? "on every node the DaemonSet runs on"
    : "on each node a pod of it is scheduled on (any node it can be scheduled on)";
}

function collect(ctx: ExposureContext): void {
  // hostPort is implemented by DNAT to the pod (the CNI portmap plugin): the client's address is kept.
  const clients: Origin = { type: "clients", cidrs: EVERYWHERE };
  for (const w of ctx.cluster.workloads) {
    const cls = ctx.pods.classFor(w);
    const at = { file: w.source.file, line: w.source.line, sources: [...EVERYWHERE] };
    if (w.hostNetwork) {
      // The pod shares the node's network namespace: each container port listens on the node's
      // addresses. NetworkPolicy does not apply to hostNetwork pods (admission says so on each exposure).
      for (const p of w.ports)
        ctx.out.emit(
          [{ workload: w, cls, protocol: p.protocol, port: p.containerPort, notes: [] }],
          {
            via: { kind: "HostNetwork", ref: w.id, entryPort: p.containerPort },
            ...at,
            notes: [`hostNetwork: ${w.id} listens on the node's own addresses ${where(w)}`],
          },
          clients,
        );
      continue;
    }
    for (const p of w.ports) {
      if (p.hostPort === undefined) continue;
      const local = p.hostIP !== undefined && LOOPBACK.test(p.hostIP);
      const notes = [
        `hostPort ${p.hostPort}: published on the node's addresses ${where(w)}, with no Service in between`,
        "the client's address is kept (the CNI forwards the port to the pod), so the pod's NetworkPolicy applies",
      ];
      if (p.hostIP) notes.push(`bound to hostIP ${p.hostIP}${local ? ": reachable from the node itself only" : ""}`);
      ctx.out.emit(
        [{ workload: w, cls, protocol: p.protocol, port: p.containerPort, notes: [] }],
        {
          via: {
            kind: "HostPort",
            ref: w.id,
            entryPort: p.hostPort,
            ...(p.hostIP ? { host: p.hostIP } : {}),
            ...(local ? { internal: true } : {}),
          },
          ...at,
          notes,
        },
        clients,
      );
    }
  }
}

export const hostPorts: EntryKindModule = { name: "HostPort", collect };
