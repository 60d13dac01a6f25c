import type { Rule } from "./rule.js";
import { causeAt, gained, peerName } from "./helpers.js";

export const rule: Rule = {
  id: "egress-to-internet",
  severity: "medium",
  title: "Egress newly allowed to internet addresses",
  explanation:
    "A workload can now open connections to internet addresses: a path for data exfiltration or for pulling a second-stage payload.",
  fix: "Allow only the external ranges (or an egress proxy) the workload needs.",
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
        message: `${c.from} can now reach ${peerName(c, "to")} on ${gained(c)}`,
        objects: [c.from],
        ...causeAt(c),
      }));
  },
};
