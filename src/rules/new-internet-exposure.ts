import type { Rule } from "./rule.js";
import { newlyExposed } from "./exposure-helpers.js";
import { entryName } from "./helpers.js";

export const rule: Rule = {
  id: "new-internet-exposure",
  severity: "medium",
  title: "Workload newly reachable from the internet",
  explanation:
    "A workload gains an entry point from internet addresses. That may be the intent of the change; a reviewer should confirm it.",
  fix: "If it is not meant to be public, use an internal load balancer or ingress class, or restrict the sources.",
  check(ctx) {
    const sensitive = new Set(ctx.config["sensitive-ports"]);
    return newlyExposed(ctx)
      .filter((e) => !sensitive.has(e.port) && !(e.via.entryPort !== undefined && sensitive.has(e.via.entryPort)))
      .map((e) => ({
        message: `${e.workload} becomes reachable from the internet on ${e.protocol} ${e.port} via ${entryName(e)}`,
        objects: [e.workload, e.via.ref],
        file: e.file,
        line: e.line,
      }));
  },
};
