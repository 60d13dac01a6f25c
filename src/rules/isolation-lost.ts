import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "isolation-lost",
  severity: "high",
  title: "Workload loses NetworkPolicy isolation",
  explanation:
    "A workload that was isolated (some NetworkPolicy selected it, or a Calico policy of a tier that ends in Deny applied to it, so only allowed traffic got through) is no longer selected by any policy in that direction: everything can reach it (or it can reach everything) again. This is what removing or narrowing a default-deny does.",
  fix: "Keep a default-deny policy (podSelector: {}) in the namespace, or make sure the workload's labels still match a policy.",
  messages: {
    lost: "{{workload}} is no longer isolated for {{directions}}",
    lostAfter: "{{workload}} is no longer isolated for {{directions}} (after changes to {{policies}})",
  },
  check(ctx) {
    const hits = [];
    for (const [id, before] of ctx.base.isolation) {
      const after = ctx.head.isolation.get(id);
      if (!after) continue;
      const lost = (["ingress", "egress"] as const).filter((d) => before[d] && !after[d]);
      if (!lost.length) continue;
      const causes = ctx.objects.filter(
        (o) =>
          (o.kind === "NetworkPolicy" && o.id.startsWith(`${id.split("/")[0]}/`)) ||
          // Calico's cluster-wide policies and tiers isolate pods of any namespace.
          o.kind === "GlobalNetworkPolicy" ||
          o.kind === "Tier",
      );
      const where = causes[0] ?? ctx.locate(id);
      hits.push({
        messageId: causes.length ? "lostAfter" : "lost",
        data: { workload: id, directions: lost.join(" and "), policies: causes.map((c) => c.id) },
        objects: [id, ...causes.map((c) => c.id)],
        file: where?.file,
        line: where?.line,
      });
    }
    return hits;
  },
};
