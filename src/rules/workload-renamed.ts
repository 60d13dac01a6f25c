import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "workload-renamed",
  severity: "info",
  title: "Workload renamed",
  explanation:
    "A workload was removed and one of the same namespace and kind added whose pods carry the same labels (the old name read as the new one; version, chart and controller labels aside), share a port and talk to the same peers: a rename. Its connections and entry points (a load balancer in front of it) that are the same under the new name are no changes and not listed one by one; whatever the rename also changed is reported by the other rules.",
  fix: "Nothing to do if the rename is intended; update what names the old workload (dashboards, alerts, declared dependencies).",
  messages: {
    same: "{{from}} was renamed {{to}}: the same {{same}} connections under the new name",
    changed: "{{from}} was renamed {{to}}: the same {{same}} connections under the new name, {{changed}} changed",
  },
  check(ctx) {
    return ctx.renames.map((r) => ({
      messageId: r.changed ? "changed" : "same",
      data: { from: r.from, to: r.to, same: r.same, ...(r.changed ? { changed: r.changed } : {}) },
      objects: [r.to, r.from],
    }));
  },
};
