import type { Rule } from "./rule.js";
import { isExposed } from "../analysis/exposure-diff.js";

export const rule: Rule = {
  id: "loadbalancer-without-source-ranges",
  severity: "high",
  title: "New internet-facing LoadBalancer without source ranges",
  explanation:
    "A LoadBalancer Service without loadBalancerSourceRanges accepts connections from every internet address. Most load balancers should be limited to known client ranges or be internal.",
  fix: "Set spec.loadBalancerSourceRanges to the client CIDRs, or mark the load balancer internal (for example service.beta.kubernetes.io/aws-load-balancer-internal, networking.gke.io/load-balancer-type: Internal).",
  messages: { open: "{{service}} is a new internet-facing load balancer open to 0.0.0.0/0" },
  check(ctx) {
    const services = new Map<string, { file: string; line: number }>();
    for (const c of ctx.exposures) {
      const e = c.head;
      if (!e || c.change === "removed" || e.via.kind !== "LoadBalancer" || e.via.internal || !isExposed(e)) continue;
      if (c.base && c.base.via.kind === "LoadBalancer" && c.base.sources.join() === e.sources.join()) continue;
      if (!e.sources.some((s) => s === "0.0.0.0/0" || s === "::/0")) continue;
      services.set(e.via.ref, { file: e.file, line: e.line });
    }
    return [...services].map(([ref, at]) => ({
      messageId: "open",
      data: { service: ref },
      objects: [ref],
      ...at,
    }));
  },
};
