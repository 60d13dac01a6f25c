import type { Rule } from "./rule.js";
import { EXPOSED_MESSAGES, exposedHit, newlyExposed } from "./exposure-helpers.js";

export const rule: Rule = {
  id: "new-internet-exposure",
  severity: "medium",
  title: "Workload newly reachable from the internet",
  explanation:
    "A workload gains an entry point from internet addresses. That may be the intent of the change; a reviewer should confirm it. Public ranges narrower than exposure.internet-min-prefix (an office /24) and node ports while exposure.nodes is unknown are reported as such and weigh at most high.",
  fix: "If it is not meant to be public, use an internal load balancer or ingress class, or restrict the sources.",
  messages: EXPOSED_MESSAGES,
  check(ctx) {
    const sensitive = new Set(ctx.config["sensitive-ports"]);
    return newlyExposed(ctx)
      .filter(({ e }) => !sensitive.has(e.port) && !(e.via.entryPort !== undefined && sensitive.has(e.via.entryPort)))
      .map(exposedHit);
  },
};
