import { isExposed } from "../analysis/exposure-diff.js";
import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "new-service-export",
  severity: "medium",
  title: "Service newly exported to the clusterset",
  explanation:
    "A ServiceExport (Multi-cluster Services, multicluster.x-k8s.io) makes the Service of the same name reachable from every cluster of the clusterset at <name>.<namespace>.svc.clusterset.local. The pods of those clusters arrive from their own pod addresses: this cluster's NetworkPolicies see them as outside addresses, so a policy that admits only pods (podSelector, namespaceSelector) blocks them, and one that admits every address lets every cluster in.",
  fix: "Export only Services meant to be shared across clusters; admit the other clusters' pod ranges explicitly (an ipBlock) on the exported pods, and keep exports out of kube-system and default.",
  messages: {
    exported:
      "{{service}} is exported to the clusterset ({{address}}): pods of the other clusters reach {{workloads}} on {{ports}}",
  },
  check(ctx) {
    // One finding per export, naming every workload and port it newly opens to the other clusters.
    const seen = new Map<
      string,
      { service: string; address: string; file: string; line: number; workloads: Set<string>; ports: Set<string> }
    >();
    for (const c of ctx.exposures) {
      const e = c.head;
      if (!e || !isExposed(e) || e.via.kind !== "ServiceExport" || isExposed(c.base)) continue;
      const entry = seen.get(e.via.ref) ?? {
        service: e.via.service ?? e.via.ref,
        address: e.via.host ?? "",
        file: e.file,
        line: e.line,
        workloads: new Set<string>(),
        ports: new Set<string>(),
      };
      entry.workloads.add(e.workload);
      entry.ports.add(`${e.protocol} ${e.port}`);
      seen.set(e.via.ref, entry);
    }
    return [...seen].map(([ref, e]) => ({
      messageId: "exported",
      data: { service: e.service, address: e.address, workloads: [...e.workloads].sort(), ports: [...e.ports].sort() },
      objects: [ref, e.service],
      file: e.file,
      line: e.line,
    }));
  },
};
