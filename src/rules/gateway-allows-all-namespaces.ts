import type { Rule } from "./rule.js";
import type { OtherObject } from "../model/types.js";

function allListeners(g: OtherObject): string[] {
  const spec = g.raw.data.spec as
    | { listeners?: { name?: string; allowedRoutes?: { namespaces?: { from?: string } } }[] }
    | undefined;
  return (Array.isArray(spec?.listeners) ? spec!.listeners : [])
    .filter((l) => l?.allowedRoutes?.namespaces?.from === "All")
    .map((l) => String(l.name));
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
    const before = new Map(
      ctx.base.cluster.others.filter((o) => o.kind === "Gateway").map((g) => [g.id, new Set(allListeners(g))]),
    );
    return ctx.head.cluster.others
      .filter((o) => o.kind === "Gateway")
      .flatMap((g) => {
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
