import { causeAt } from "./helpers.js";
import { usedFlowsLost } from "./lost-flows.js";
import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "used-flow-lost",
  severity: "low",
  title: "A flow a policy rule named is cut",
  explanation:
    "A workload can no longer reach another on ports that a NetworkPolicy (or admin policy) rule naming them allowed: someone wrote that call path down, so it was probably in use and something may stop working. It ranks above other lost connections (connections-removed, info); a cut one side alone made, a blocked entry point and a blocked declared dependency have rules of their own.",
  fix: "If the caller still needs it, allow it again in the destination's ingress (and the source's egress) policy; if the removal is intended, nothing to do.",
  messages: { explicit: "{{from}} can no longer reach {{to}} on {{ports}}, which a policy rule naming them allowed" },
  check(ctx) {
    return usedFlowsLost(ctx).map(({ change: c, lost }) => ({
      messageId: "explicit",
      data: { from: c.from, to: c.to, ports: `${lost}` },
      objects: [c.from, c.to],
      ...causeAt(c),
    }));
  },
};
