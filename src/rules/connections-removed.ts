import type { Rule } from "./rule.js";
import { causeAt, peerName } from "./helpers.js";

export const rule: Rule = {
  id: "connections-removed",
  severity: "info",
  title: "Connections removed",
  explanation: "Traffic that was allowed is no longer allowed. Usually the point of a tightening change; check nothing still depends on it.",
  fix: "Nothing to do if the removal is intended.",
  check(ctx) {
    return ctx.connections
      .filter((c) => c.change === "removed" || (c.change === "changed" && !c.base.subtract(c.head).isEmpty()))
      .map((c) => ({ message: `${peerName(c, "from")} can no longer reach ${peerName(c, "to")} on ${c.base.subtract(c.head)}`, objects: [c.from, c.to].filter((x) => x !== "ip:"), ...causeAt(c) }));
  },
};
