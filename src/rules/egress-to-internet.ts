import type { Rule } from "./rule.js";
import { causeAt, gained, openRulePolicy, peerName } from "./helpers.js";

export const rule: Rule = {
  id: "egress-to-internet",
  severity: "medium",
  title: "Egress newly allowed to internet addresses",
  explanation:
    "A workload can now open connections to internet addresses: a path for data exfiltration or for pulling a second-stage payload.",
  fix: "Allow only the external ranges (or an egress proxy) the workload needs.",
  messages: {
    gained: "{{from}} can now reach {{to}} on {{ports}}",
    gainedOpenRule: "{{from}} can now reach {{to}} on {{ports}}: {{policy}} has an egress rule without `to`",
  },
  fixes: {
    gainedOpenRule:
      "An egress rule without `to` admits every destination, the internet included: add a `to:` list naming the peers (podSelector, namespaceSelector, or an ipBlock with just their ranges).",
  },
  check(ctx) {
    return ctx.connections
      .filter(
        (c) =>
          c.to === "ip:" &&
          c.change !== "removed" &&
          ctx.isInternet(c.addresses ?? []) &&
          !gained(c).isEmpty() &&
          ctx.head.isolation.get(c.from)?.egress === true,
      )
      .map((c) => {
        const open = openRulePolicy(ctx, c, "egress", c.from);
        return {
          messageId: open ? "gainedOpenRule" : "gained",
          data: { from: c.from, to: peerName(c, "to"), ports: `${gained(c)}`, ...(open ? { policy: open.id } : {}) },
          objects: [c.from],
          ...causeAt(c),
        };
      });
  },
};
