import type { Rule } from "./rule.js";
import { causeAt, gained } from "./helpers.js";

const ns = (id: string) => id.split("/")[0];

export const rule: Rule = {
  id: "new-cross-namespace-flow",
  severity: "medium",
  title: "New connection across namespaces",
  explanation:
    "Namespaces are usually trust boundaries between teams or environments; a new flow across them deserves a look.",
  fix: "If it is intended, narrow it to the exact pods and ports; otherwise tighten the namespaceSelector.",
  messages: { gained: "{{from}} can now reach {{to}} on {{ports}}" },
  check(ctx) {
    return ctx.connections
      .filter(
        (c) =>
          c.from !== "ip:" &&
          c.to !== "ip:" &&
          ns(c.from) !== ns(c.to) &&
          c.change !== "removed" &&
          !gained(c).isEmpty(),
      )
      .map((c) => ({
        messageId: "gained",
        data: { from: c.from, to: c.to, ports: `${gained(c)}` },
        objects: [c.from, c.to],
        ...causeAt(c),
      }));
  },
};
