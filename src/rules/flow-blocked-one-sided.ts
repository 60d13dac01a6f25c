import type { ConnectionChange } from "../analysis/diff.js";
import type { Rule, RuleContext } from "./rule.js";

/** The side whose policy alone cut a removed connection while the other side still names it, if one did. */
export function oneSidedCut(ctx: RuleContext, c: ConnectionChange): "egress" | "ingress" | null {
  if (c.change !== "removed" || c.from === "ip:" || c.to === "ip:") return null;
  const sides = ctx.head.sides?.(c.from, c.to);
  if (!sides) return null;
  // The other side must still name this flow in a rule: an allow-everything rule expects nothing.
  if (c.base.intersect(sides.egress).isEmpty() && !c.base.intersect(sides.ingressNamed).isEmpty()) return "egress";
  if (c.base.intersect(sides.ingress).isEmpty() && !c.base.intersect(sides.egressNamed).isEmpty()) return "ingress";
  return null;
}

export const rule: Rule = {
  id: "flow-blocked-one-sided",
  severity: "high",
  title: "Connection cut by one side while the other still allows it",
  explanation:
    "A connection disappears because only the source's egress (or only the destination's ingress) stopped allowing it, while the other side's policy still expects it. Policies that disagree like this are usually an accident that breaks a working call path.",
  fix: "If the flow is still needed, restore the egress (or ingress) rule; if not, remove it from the other side's policy too.",
  messages: {
    cut: "{{from}} can no longer reach {{to}} ({{ports}}): {{cut}}'s {{direction}} policy stopped allowing it, while {{other}}'s policy still allows it",
  },
  check(ctx) {
    return ctx.connections
      .filter((c) => c.change === "removed" && c.from !== "ip:" && c.to !== "ip:")
      .flatMap((c) => {
        const lostAt = oneSidedCut(ctx, c);
        if (!lostAt) return [];
        const cut = lostAt === "egress" ? c.from : c.to;
        const other = lostAt === "egress" ? c.to : c.from;
        const cause =
          c.causes.find((o) => o.kind === "NetworkPolicy" && o.id.startsWith(`${cut.split("/")[0]}/`)) ?? c.causes[0];
        return [
          {
            messageId: "cut",
            data: { from: c.from, to: c.to, ports: `${c.base}`, cut, direction: lostAt, other },
            objects: [c.from, c.to, ...(cause ? [cause.id] : [])],
            file: cause?.file,
            line: cause?.line,
          },
        ];
      });
  },
};
