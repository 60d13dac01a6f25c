import { blockedTargets, deniedEverywhere } from "../analysis/declared-flows.js";
import { API_SERVER } from "../model/dependencies.js";
import type { Dependency } from "../model/types.js";
import { callerName, declarationName, dependencyName } from "../report/names.js";
import type { RuleContext, Rule } from "./rule.js";

const key = (d: Dependency) => JSON.stringify([d.from, d.service ?? d.address, d.servicePort, d.role]);

/** Whether the change touches the dependency: declares it anew, or changes its objects or a policy of either end's namespace. */
function touched(ctx: RuleContext, d: Dependency, known: ReadonlySet<string>): boolean {
  if (!known.has(key(d))) return true;
  const ids = new Set([d.from, d.service, d.declared.object, ...d.targets.map((t) => t.workload)]);
  const namespaces = new Set([d.from, ...d.targets.map((t) => t.workload)].map((id) => id.split("/")[0]));
  return ctx.objects.some(
    (o) =>
      ids.has(o.id) ||
      (o.kind === "NetworkPolicy" && namespaces.has(o.id.split("/")[0])) ||
      (o.kind.endsWith("NetworkPolicy") && o.kind !== "NetworkPolicy"),
  );
}

export const rule: Rule = {
  id: "declared-dependency-denied",
  severity: "medium",
  title: "A flow the configuration declares is denied",
  explanation:
    "A workload's configuration names a Service it calls, but the policies deny that flow in the head, and did so before this change too (or the address is new): an existing misconfiguration this change does not fix. Reported once per declared address, only when the change declares it or touches the policies or objects involved.",
  fix: "Allow the flow (egress on the caller, ingress on the target, on the target port), or remove the address from the configuration.",
  messages: {
    denied: "{{caller}} cannot reach {{dependency}} ({{declared}}): the policies deny it, before and after this change",
    deniedNew:
      "{{caller}} cannot reach {{dependency}} ({{declared}}): the policies deny it, and this change declares it",
  },
  check(ctx) {
    const known = new Set(ctx.base.cluster.dependencies.map(key));
    return ctx.head.cluster.dependencies.flatMap((d) => {
      if (!deniedEverywhere(d, ctx.head.allows)) return [];
      if (blockedTargets(d, ctx.base.allows, ctx.head.allows).length) return [];
      if (!touched(ctx, d, known)) return [];
      return [
        {
          messageId: known.has(key(d)) ? "denied" : "deniedNew",
          data: { caller: callerName(d.from), dependency: dependencyName(d), declared: declarationName(d) },
          key: [d.address, d.via],
          objects: [
            ...new Set([
              ...(d.from === API_SERVER ? [] : [d.from]),
              ...d.targets.map((t) => t.workload),
              d.declared.object,
            ]),
          ],
          file: d.declared.file,
          line: d.declared.line,
        },
      ];
    });
  },
};
