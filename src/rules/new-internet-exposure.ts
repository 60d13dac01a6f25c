import type { Rule } from "./rule.js";
import { newlyExposed } from "./exposure-helpers.js";
import { entryName, exposureIdentity } from "./helpers.js";

export const rule: Rule = {
  id: "new-internet-exposure",
  severity: "medium",
  title: "Workload newly reachable from the internet",
  explanation:
    "A workload gains an entry point from internet addresses. That may be the intent of the change; a reviewer should confirm it.",
  fix: "If it is not meant to be public, use an internal load balancer or ingress class, or restrict the sources.",
  messages: { exposed: "{{workload}} becomes reachable from the internet on {{port}} via {{entry}}" },
  check(ctx) {
    const sensitive = new Set(ctx.config["sensitive-ports"]);
    return newlyExposed(ctx)
      .filter((e) => !sensitive.has(e.port) && !(e.via.entryPort !== undefined && sensitive.has(e.via.entryPort)))
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
