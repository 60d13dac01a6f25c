import { usedFlowsLost } from "./lost-flows.js";
import type { Rule } from "./rule.js";
import { causeAt, peerName } from "./helpers.js";

export const rule: Rule = {
  id: "connections-removed",
  severity: "info",
  title: "Connections removed",
  explanation:
    "Traffic that was allowed is no longer allowed. Usually the point of a tightening change; check nothing still depends on it.",
  fix: "Nothing to do if the removal is intended.",
  messages: {
    lost: "{{from}} can no longer reach {{lost}}",
    lostMore: "{{from}} can no longer reach {{lost}} and {{more}} more",
  },
  check(ctx) {
    // One finding per source, so that locking a namespace down reads as a handful of lines.
    const bySource = new Map<string, { lost: string[]; objects: Set<string>; at: ReturnType<typeof causeAt> }>();
    // Flows that were in use are used-flow-lost's.
    const used = new Set(usedFlowsLost(ctx).map((u) => u.change));
    for (const c of ctx.connections) {
      const lost = c.base.subtract(c.head);
      if (c.change === "added" || lost.isEmpty() || used.has(c)) continue;
      const from = peerName(c, "from");
      const entry = bySource.get(from) ?? { lost: [], objects: new Set<string>(), at: causeAt(c) };
      entry.lost.push(`${peerName(c, "to")} (${lost})`);
      for (const id of [c.from, c.to]) if (id !== "ip:") entry.objects.add(id);
      bySource.set(from, entry);
    }
    return [...bySource].map(([from, e]) => ({
      messageId: e.lost.length > 3 ? "lostMore" : "lost",
      data: { from, lost: e.lost.slice(0, 3), ...(e.lost.length > 3 ? { more: e.lost.length - 3 } : {}) },
      objects: [...e.objects],
      ...e.at,
    }));
  },
};
