import { calicoRuleName } from "../model/kinds/calico-policy.js";
import { ciliumRuleName } from "../model/kinds/cilium-policy.js";
import { istioRuleName } from "../model/kinds/istio-policy.js";
import type { Hit, Rule } from "./rule.js";

export const rule: Rule = {
  id: "l7-restriction-dropped",
  severity: "medium",
  title: "An L7 restriction is dropped",
  explanation:
    'An allow rule that was narrowed per request (Cilium `rules.http`/`kafka`/`dns` or `toFQDNs`; Calico `http`; Istio `methods`, `paths`, `hosts`, `requestPrincipals` or `when` conditions) keeps allowing the connection but no longer checks the requests on it: any method, path or name is now allowed on those ports. Reachdiff shows such rules as "allowed at L4, restricted at L7", so the connectivity does not change and only this rule sees it.',
  fix: "Keep the L7 part of the rule (methods, paths, HTTP rules, FQDNs), or confirm every request on those ports should be allowed.",
  messages: {
    dropped:
      "{{policy}} {{rule}} no longer restricts at L7 ({{dropped}}): the connections it allows are allowed whatever the request",
  },
  check(ctx) {
    const head = new Map(ctx.head.l7Restrictions.map((r) => [`${r.policy}\u0000${r.rule}`, r]));
    const headRules = new Set<string>();
    // A rule that is still there, without (some of) its L7 part: the same policy and rule name on both sides.
    for (const p of ctx.head.cluster.authorizationPolicies ?? [])
      for (const r of p.rules) headRules.add(`${p.id}\u0000${istioRuleName(r)}`);
    for (const p of ctx.head.cluster.ciliumPolicies ?? [])
      for (const s of p.specs)
        for (const r of [...s.ingress, ...s.egress]) if (!r.deny) headRules.add(`${p.id}\u0000${ciliumRuleName(r)}`);
    for (const p of ctx.head.cluster.calicoPolicies ?? [])
      for (const r of [...p.ingress, ...p.egress])
        if (r.action === "Allow") headRules.add(`${p.id}\u0000${calicoRuleName(r)}`);
    const hits: Hit[] = [];
    for (const before of ctx.base.l7Restrictions) {
      const k = `${before.policy}\u0000${before.rule}`;
      if (!headRules.has(k)) continue;
      const after = head.get(k);
      const dropped = before.l7.filter((x) => !after?.l7.includes(x));
      if (!dropped.length) continue;
      const at = ctx.locate(before.policy);
      hits.push({
        messageId: "dropped",
        data: { policy: before.policy, rule: before.rule, dropped },
        objects: [before.policy],
        key: [before.rule],
        file: after?.file ?? at?.file,
        line: after?.line ?? at?.line,
      });
    }
    return hits;
  },
};
