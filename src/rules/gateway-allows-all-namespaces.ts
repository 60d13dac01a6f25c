import type { Rule } from "./rule.js";
import type { Gateway } from "../model/kinds/gateway.js";

function allListeners(g: Gateway): string[] {
  return g.listeners.filter((l) => l.allowedNamespaces.from === "All").map((l) => l.name);
}

export const rule: Rule = {
  id: "gateway-allows-all-namespaces",
  severity: "medium",
  title: "Gateway listener accepts routes from all namespaces",
  explanation:
    "allowedRoutes.namespaces.from: All lets any namespace attach routes to this listener, so any team (or compromised workload's owner) can publish a service on the Gateway's address and hostnames.",
  fix: "Use from: Same, or from: Selector with a label only trusted namespaces carry.",
  messages: {
    one: "{{gateway}} listener {{listeners}} accepts routes from every namespace",
    many: "{{gateway}} listeners {{listeners}} accept routes from every namespace",
  },
  check(ctx) {
    const before = new Map(ctx.base.cluster.gateways.map((g) => [g.id, new Set(allListeners(g))]));
    return ctx.head.cluster.gateways.flatMap((g) => {
      const fresh = allListeners(g).filter((l) => !before.get(g.id)?.has(l));
      return fresh.length
        ? [
            {
              messageId: fresh.length > 1 ? "many" : "one",
              data: { gateway: g.id, listeners: fresh },
              key: fresh,
              objects: [g.id],
              file: g.source.file,
              line: g.source.lineOf(["spec", "listeners"]),
            },
          ]
        : [];
    });
  },
};
