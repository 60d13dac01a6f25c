// A Service exported to the clusterset with an MCS ServiceExport (KEP-1645): every port of the Service is
// reachable from the pods of the other clusters of the clusterset, at <name>.<namespace>.svc.clusterset.local.
// Their addresses are the other clusters' pod addresses (or the MCS implementation's gateway): this
// cluster's NetworkPolicies see them as addresses from outside, never as pods a podSelector matches.
import { clustersetDns } from "../../../model/kinds/multicluster.js";
import type { EntryKindModule, ExposureContext } from "../context.js";
import { CLUSTERSET } from "../types.js";

function collect(ctx: ExposureContext): void {
  const services = new Map(ctx.cluster.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  for (const exp of ctx.cluster.serviceExports ?? []) {
    const { file, line } = exp.source;
    const svc = services.get(`${exp.namespace}/${exp.name}`);
    if (!svc) {
      ctx.out.info(
        file,
        line,
        `${exp.id} names no Service of these manifests (an export is the Service of the same name and namespace): nothing is exported from here`,
        exp.id,
      );
      continue;
    }
    if (svc.type === "ExternalName") {
      ctx.out.info(
        file,
        line,
        `${exp.id}: ${svc.id} is an ExternalName Service, which the MCS controller refuses to export (InvalidService)`,
        exp.id,
      );
      continue;
    }
    const host = clustersetDns(svc.name, svc.namespace);
    const notes = [
      "exported to every cluster of the clusterset: their pods reach it from their own pod addresses, which this cluster's NetworkPolicy sees as outside addresses (a podSelector never matches them)",
    ];
    if (svc.type !== "ClusterIP") notes.push(`the ${svc.type} Service is imported as a ClusterSetIP Service`);
    for (const sp of svc.ports) {
      const targets = ctx.targets.of(svc, sp);
      if (!targets.length) continue;
      ctx.out.emit(
        targets,
        {
          via: { kind: "ServiceExport", ref: exp.id, service: svc.id, servicePort: sp.port, entryPort: sp.port, host },
          sources: [...CLUSTERSET],
          file,
          line,
          notes,
        },
        { type: "unknown-addresses", what: "the pod addresses of the other clusters" },
      );
    }
  }
}

export const serviceExports: EntryKindModule = { name: "ServiceExport", collect };
