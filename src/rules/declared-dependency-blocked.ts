import { blockedTargets } from "../analysis/declared-flows.js";
import { API_SERVER } from "../model/dependencies.js";
import type { Dependency } from "../model/types.js";
import { callerName, declarationName, dependencyName } from "../report/names.js";
import type { RuleContext, Rule } from "./rule.js";

/** The changed policy behind a lost declared flow: the connection change's cause, else a changed policy of the target's namespace. */
function dependencyCause(ctx: RuleContext, d: Dependency, target: string) {
  const c = ctx.connections.find((x) => x.from === d.from && x.to === target);
  const policies = (c?.causes ?? ctx.objects).filter((o) => o.kind.endsWith("NetworkPolicy") && o.change !== "removed");
  const ns = target.split("/")[0];
  return policies.find((o) => o.id.startsWith(`${ns}/`)) ?? policies[0] ?? c?.causes[0];
}

export const rule: Rule = {
  id: "declared-dependency-blocked",
  severity: "high",
  rank: 1,
  title: "Change blocks a flow the configuration declares",
  explanation:
    "A workload's configuration names a Service it calls (an address in its env, args or command, or in a ConfigMap or Secret it reads; a Grafana data source; a ServiceMonitor or Alertmanager of a Prometheus; an admission webhook or aggregated API the API server calls), the flow was allowed, and this change denies it. The application breaks where it uses that address. Critical for admission webhooks and aggregated APIs: the API server cannot call them, which can block writes to the cluster.",
  fix: "Allow the flow: an egress rule on the caller to the target pods and an ingress rule on the target from the caller, on the target port (for the API server: from the control plane's addresses). Or remove the address from the configuration if the call is gone.",
  messages: {
    blocked: "{{caller}} can no longer reach {{dependency}} ({{declared}})",
    blockedSome:
      "{{caller}} can no longer reach {{dependency}} ({{declared}}) ({{lost}} of its {{targets}} target workloads)",
  },
  check(ctx) {
    return ctx.head.cluster.dependencies.flatMap((d) => {
      const lost = blockedTargets(d, ctx.base.allows, ctx.head.allows);
      if (!lost.length) return [];
      const cause = dependencyCause(ctx, d, lost[0].workload);
      return [
        {
          messageId: lost.length < d.targets.length ? "blockedSome" : "blocked",
          data: {
            caller: callerName(d.from),
            dependency: dependencyName(d),
            declared: declarationName(d),
            lost: lost.length,
            targets: d.targets.length,
          },
          key: [d.address, d.via],
          severity: d.from === API_SERVER ? ("critical" as const) : undefined,
          objects: [
            ...new Set([
              ...(d.from === API_SERVER ? [] : [d.from]),
              ...lost.map((t) => t.workload),
              ...(cause ? [cause.id] : []),
              d.declared.object,
            ]),
          ],
          file: cause?.file ?? d.declared.file,
          line: cause?.line ?? d.declared.line,
        },
      ];
    });
  },
};
