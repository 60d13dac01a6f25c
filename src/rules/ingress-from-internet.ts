import type { Rule } from "./rule.js";
import { causeAt, gained, openRulePolicy, peerName } from "./helpers.js";

export const rule: Rule = {
  id: "ingress-from-internet",
  severity: "high",
  title: "Ingress newly allowed from internet addresses",
  explanation:
    "A NetworkPolicy change lets internet addresses (an ipBlock such as 0.0.0.0/0, or a rule without `from`) reach an isolated workload's pods directly. (A workload that loses isolation altogether is reported by isolation-lost.)",
  fix: "Limit the ipBlock to the client ranges that need access, or remove the rule.",
  messages: {
    gained: "{{from}} can now reach {{to}} on {{ports}}",
    gainedOpenRule: "{{from}} can now reach {{to}} on {{ports}}: {{policy}} has an ingress rule without `from`",
  },
  fixes: {
    gainedOpenRule:
      "An ingress rule without `from` admits every source, the internet included: add a `from:` list naming the peers (podSelector, namespaceSelector, or an ipBlock with just their ranges).",
  },
  check(ctx) {
    return ctx.connections
      .filter(
        (c) =>
          c.from === "ip:" &&
          c.change !== "removed" &&
          ctx.isInternet(c.addresses ?? []) &&
          !gained(c).isEmpty() &&
          ctx.head.isolation.get(c.to)?.ingress === true,
      )
      .map((c) => {
        const open = openRulePolicy(ctx, c, "ingress", c.to);
        return {
          messageId: open ? "gainedOpenRule" : "gained",
          data: { from: peerName(c, "from"), to: c.to, ports: `${gained(c)}`, ...(open ? { policy: open.id } : {}) },
          objects: [c.to],
          ...causeAt(c),
        };
      });
  },
};
