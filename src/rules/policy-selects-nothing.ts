import type { Rule } from "./rule.js";
import { matches } from "../core/label-selector.js";

export const rule: Rule = {
  id: "policy-selects-nothing",
  severity: "low",
  title: "NetworkPolicy selects no pods",
  explanation:
    "A new or changed NetworkPolicy matches no workload of its namespace, usually because of a label typo: it protects nothing.",
  fix: "Make spec.podSelector match the labels of the pod template it is meant for.",
  messages: { none: "{{policy}} selects no workload of namespace {{namespace}} (podSelector {{selector}})" },
  check(ctx) {
    const changed = new Set(
      ctx.objects.filter((o) => o.kind === "NetworkPolicy" && o.change !== "removed").map((o) => o.id),
    );
    const workloads = ctx.head.cluster.workloads;
    return ctx.head.cluster.networkPolicies
      .filter((p) => changed.has(p.id))
      .filter((p) => {
        const local = workloads.filter((w) => w.namespace === p.namespace);
        return local.length > 0 && !local.some((w) => matches(p.podSelector, w.labels));
      })
      .map((p) => ({
        messageId: "none",
        data: { policy: p.id, namespace: p.namespace, selector: p.podSelector.key },
        objects: [p.id],
        file: p.source.file,
        line: p.source.lineOf(["spec", "podSelector"]),
      }));
  },
};
