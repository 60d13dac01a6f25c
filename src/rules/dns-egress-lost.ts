import type { Rule } from "./rule.js";
import { matches } from "../core/label-selector.js";
import { resolvedByName } from "../model/dependencies.js";

export const rule: Rule = {
  id: "dns-egress-lost",
  severity: "high",
  title: "Workload loses DNS",
  explanation:
    "The workload could resolve names through cluster DNS (UDP 53 to kube-dns in kube-system) and no longer can: nearly every service call will fail. This is the most common mistake when adding an egress default-deny.",
  fix: "Add an egress rule to namespace kube-system, pods k8s-app: kube-dns, on UDP and TCP 53.",
  messages: {
    lost: "{{workload}} can no longer reach cluster DNS (UDP 53)",
    lostNames:
      "{{workload}} can no longer reach cluster DNS (UDP 53), so it cannot resolve the names it calls: {{names}}",
  },
  check(ctx) {
    return [...ctx.base.dnsReachable]
      .filter((id) => !ctx.head.dnsReachable.has(id) && ctx.head.isolation.has(id))
      .map((id) => {
        const workload = ctx.head.cluster.workloads.find((w) => w.id === id);
        const changed = new Set(ctx.objects.filter((o) => o.change !== "removed").map((o) => o.id));
        // The changed egress policy that selects this workload, else any changed policy of its namespace.
        const policy = ctx.head.cluster.networkPolicies.find(
          (p) =>
            changed.has(p.id) &&
            p.policyTypes.egress &&
            workload &&
            p.namespace === workload.namespace &&
            matches(p.podSelector, workload.labels),
        );
        const cause = policy
          ? { id: policy.id, file: policy.source.file, line: policy.source.line }
          : ctx.objects.find(
              (o) => o.kind === "NetworkPolicy" && o.change !== "removed" && o.id.startsWith(`${id.split("/")[0]}/`),
            );
        // The Service names its configuration declares (model/dependencies.ts): what breaks first.
        const names = [
          ...new Set(
            ctx.head.cluster.dependencies.filter((d) => d.from === id && resolvedByName(d)).map((d) => d.address),
          ),
        ];
        return {
          messageId: names.length ? "lostNames" : "lost",
          data: {
            workload: id,
            ...(names.length
              ? { names: names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names }
              : {}),
          },
          objects: [id, ...(cause ? [cause.id] : [])],
          file: cause?.file,
          line: cause?.line,
        };
      });
  },
};
