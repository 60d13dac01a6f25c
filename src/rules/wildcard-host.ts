import type { Rule } from "./rule.js";
import { isExposed } from "../analysis/exposure-diff.js";

export const rule: Rule = {
  id: "wildcard-host",
  severity: "medium",
  title: "Wildcard or catch-all host",
  explanation:
    "An Ingress rule, route or default backend without a host (or with a wildcard host) answers for every name that resolves to the load balancer, which widens what is exposed and eases host-header attacks.",
  fix: "Name the exact hosts the application serves.",
  messages: {
    catchAll: "{{ref}} routes every host to {{workload}}",
    wildcard: "{{ref}} routes the wildcard {{host}} to {{workload}}",
  },
  check(ctx) {
    const hits = new Map<string, { file: string; line: number; host: string; workload: string }>();
    for (const c of ctx.exposures) {
      const e = c.head;
      if (!e || c.change !== "added" || !isExposed(e)) continue;
      if (e.via.kind !== "Ingress" && e.via.kind !== "Gateway" && e.via.kind !== "Route") continue;
      const host = e.via.host;
      if (host && host !== "*" && !host.startsWith("*")) continue;
      hits.set(`${e.via.ref} ${host ?? "*"}`, {
        file: e.file,
        line: e.line,
        host: host ?? "any host",
        workload: e.workload,
      });
    }
    return [...hits].map(([key, h]) => ({
      messageId: h.host === "*" || h.host === "any host" ? "catchAll" : "wildcard",
      data: { ref: key.split(" ")[0], host: h.host, workload: h.workload },
      objects: [key.split(" ")[0]],
      key: [h.host],
      file: h.file,
      line: h.line,
    }));
  },
};
