import type { Rule } from "./rule.js";
import { EXPOSED_MESSAGES, exposedHit, newlyExposed } from "./exposure-helpers.js";

export const rule: Rule = {
  id: "internet-exposure-sensitive-port",
  severity: "critical",
  title: "Sensitive port newly reachable from the internet",
  explanation:
    "A database, cache, admin or remote-shell port (SSH, Postgres, Redis, kubelet, ...) becomes reachable from internet addresses. These services are the first thing scanners probe and are rarely meant to be public. Public ranges narrower than exposure.internet-min-prefix (an office /24) and node ports while exposure.nodes is unknown are reported as such and weigh at most high.",
  fix: "Keep the Service ClusterIP (or an internal load balancer), restrict loadBalancerSourceRanges, or add a NetworkPolicy that admits only the clients that need it.",
  messages: EXPOSED_MESSAGES,
  check(ctx) {
    const sensitive = new Set(ctx.config["sensitive-ports"]);
    return newlyExposed(ctx)
      .filter(({ e }) => sensitive.has(e.port) || (e.via.entryPort !== undefined && sensitive.has(e.via.entryPort)))
      .map(exposedHit);
  },
};
