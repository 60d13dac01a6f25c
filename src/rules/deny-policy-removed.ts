import type { DenyRule } from "../analysis/policy-facts.js";
import type { Hit, Rule } from "./rule.js";

export const rule: Rule = {
  id: "deny-policy-removed",
  severity: "high",
  title: "A deny rule of the CNI or the mesh is removed",
  explanation:
    "Deny rules win over every allow: a Cilium ingressDeny/egressDeny, a Calico rule with action Deny (it decides before every later policy and tier), an Istio AuthorizationPolicy with action DENY, an Istio PeerAuthentication in STRICT mode (which refuses plaintext from outside the mesh). Removing one (the rule, or its whole policy) lets through whatever another policy allows, which no allow-side review would notice. Reported per policy, naming the rules that no longer deny.",
  fix: "Keep the deny rule, or check that what it denied should now be allowed (explain names what allows it).",
  messages: {
    removed: "{{policy}} is removed: its {{family}} deny rules {{rules}} no longer apply",
    rulesRemoved: "{{policy}} no longer has the {{family}} deny rules {{rules}}",
  },
  check(ctx) {
    const headKeys = new Set(ctx.head.denyRules.map((r) => `${r.policy}\u0000${r.key}`));
    const c = ctx.head.cluster;
    const headObjects = new Set(
      [
        ...(c.authorizationPolicies ?? []),
        ...(c.peerAuthentications ?? []),
        ...(c.ciliumPolicies ?? []),
        ...(c.calicoPolicies ?? []),
      ].map((p) => p.id),
    );
    const lost = new Map<string, DenyRule[]>();
    for (const r of ctx.base.denyRules) {
      if (headKeys.has(`${r.policy}\u0000${r.key}`)) continue;
      const list = lost.get(r.policy) ?? [];
      list.push(r);
      lost.set(r.policy, list);
    }
    const hits: Hit[] = [];
    for (const [policy, rules] of lost) {
      const gone = !headObjects.has(policy);
      const at = gone ? rules[0] : ctx.locate(policy);
      hits.push({
        messageId: gone ? "removed" : "rulesRemoved",
        data: { policy, family: rules[0].family, rules: rules.map((r) => r.rule) },
        objects: [policy],
        key: rules.map((r) => r.rule),
        file: at?.file,
        line: at?.line,
      });
    }
    return hits;
  },
};
