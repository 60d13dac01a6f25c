import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "new-external-ips",
  severity: "high",
  title: "Service claims external IPs",
  explanation:
    "spec.externalIPs makes every node forward traffic for those addresses. Kubernetes does not check that the addresses belong to you, which allows intercepting other traffic (CVE-2020-8554).",
  fix: "Use a LoadBalancer or Ingress instead, and block the field cluster-wide with the DenyServiceExternalIPs admission plugin.",
  messages: { claims: "{{service}} now claims external IPs {{ips}}" },
  check(ctx) {
    const hits = new Map<string, { file: string; line: number; ips: string[] }>();
    for (const svc of ctx.head.cluster.services) {
      if (!svc.externalIPs.length) continue;
      const before = ctx.base.cluster.services.find((s) => s.id === svc.id);
      if (before && before.externalIPs.join() === svc.externalIPs.join()) continue;
      hits.set(svc.id, {
        file: svc.source.file,
        line: svc.source.lineOf(["spec", "externalIPs"]),
        ips: [...svc.externalIPs],
      });
    }
    return [...hits].map(([id, h]) => ({
      messageId: "claims",
      data: { service: id, ips: h.ips },
      objects: [id],
      file: h.file,
      line: h.line,
    }));
  },
};
