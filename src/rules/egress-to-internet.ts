import type { Rule } from "./rule.js";
import { causeAt, gained, peerName } from "./helpers.js";

export const rule: Rule = {
  id: "egress-to-internet",
  severity: "medium",
  title: "Egress newly allowed to internet addresses",
  explanation:
    "A workload can now open connections to internet addresses: a path for data exfiltration or for pulling a second-stage payload.",
  fix: "Allow only the external ranges (or an egress proxy) the workload needs.",
  messages: { gained: "{{from}} can now reach {{to}} on {{ports}}" },
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
      .map((c) => ({
        messageId: "gained",
        data: { from: c.from, to: peerName(c, "to"), ports: `${gained(c)}` },
        objects: [c.from],
        ...causeAt(c),
      }));
  },
};
