import type { Rule } from "./rule.js";
import { newlyExposed } from "./exposure-helpers.js";
import { entryName, exposureIdentity } from "./helpers.js";

export const rule: Rule = {
  id: "internet-exposure-sensitive-port",
  severity: "critical",
  title: "Sensitive port newly reachable from the internet",
  explanation:
    "A database, cache, admin or remote-shell port (SSH, Postgres, Redis, kubelet, ...) becomes reachable from internet addresses. These services are the first thing scanners probe and are rarely meant to be public.",
  fix: "Keep the Service ClusterIP (or an internal load balancer), restrict loadBalancerSourceRanges, or add a NetworkPolicy that admits only the clients that need it.",
  messages: { exposed: "{{workload}} becomes reachable from the internet on {{port}} via {{entry}}" },
  check(ctx) {
    const sensitive = new Set(ctx.config["sensitive-ports"]);
    return newlyExposed(ctx)
      .filter((e) => sensitive.has(e.port) || (e.via.entryPort !== undefined && sensitive.has(e.via.entryPort)))
      .map((e) => ({
        messageId: "exposed",
        data: { workload: e.workload, port: `${e.protocol} ${e.port}`, entry: entryName(e) },
        objects: [e.workload, e.via.ref],
        key: exposureIdentity(e),
        file: e.file,
        line: e.line,
      }));
  },
};
