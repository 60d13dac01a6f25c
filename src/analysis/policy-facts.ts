// Facts about the CNI's and the mesh's own policies that the rules compare between base and head: which deny
// rules a side enforces, and which allow rules are restricted at L7 (kept, not evaluated). One entry per rule,
// whatever the family (Cilium, Istio; another family adds its rules here), named the way explain names them.
import type { Cluster } from "../model/types.js";
import { calicoRuleName } from "../model/kinds/calico-policy.js";
import { ciliumRuleName } from "../model/kinds/cilium-policy.js";
import { istioRuleName, type IstioRule } from "../model/kinds/istio-policy.js";

export type PolicyFamily = "Cilium" | "Calico" | "Istio";

/** A rule that denies traffic whatever allows it. */
export interface DenyRule {
  readonly family: PolicyFamily;
  readonly policy: string;
  /** `ingressDeny[0]`, `rules[1]`, `mtls STRICT`. */
  readonly rule: string;
  /** What the rule says, without its position: two sides' rules with equal keys are the same rule. */
  readonly key: string;
  readonly file: string;
  readonly line: number;
}

/** An allow rule that the dataplane narrows per request (methods, paths, names...), which we keep, not evaluate. */
export interface L7Restriction {
  readonly family: PolicyFamily;
  readonly policy: string;
  readonly rule: string;
  readonly l7: readonly string[];
  readonly file: string;
  readonly line: number;
}

function key(o: unknown): string {
  return JSON.stringify(o, (k, v) => {
    if (k === "line" || k === "index" || k === "text") return undefined;
    return typeof v === "bigint" ? v.toString() : v;
  });
}

function istioL7(rule: IstioRule): string[] {
  return [
    ...(rule.from ?? []).flatMap((s) => s.l7),
    ...(rule.to ?? []).flatMap((o) => o.l7),
    ...rule.when.map((w) => `when ${w}`),
  ];
}

/** Every deny rule the side enforces: Cilium ingressDeny/egressDeny, Calico Deny rules, Istio DENY rules and STRICT mTLS. */
export function denyRules(cluster: Cluster): DenyRule[] {
  const out: DenyRule[] = [];
  for (const p of cluster.ciliumPolicies ?? [])
    for (const spec of p.specs)
      for (const r of [...spec.ingress, ...spec.egress])
        if (r.deny)
          out.push({
            family: "Cilium",
            policy: p.id,
            rule: ciliumRuleName(r),
            key: key([spec.endpointSelector, r]),
            file: p.source.file,
            line: r.line,
          });
  // Calico Deny rules (of policies that apply to pods), in whatever tier and order.
  for (const p of cluster.calicoPolicies ?? [])
    if (p.appliesToPods)
      for (const r of [...p.ingress, ...p.egress])
        if (r.action === "Deny")
          out.push({
            family: "Calico",
            policy: p.id,
            rule: calicoRuleName(r),
            key: key([p.tier, p.selector.text, p.namespaceSelector?.text, p.serviceAccountSelector?.text, p.types, r]),
            file: p.source.file,
            line: r.line,
          });
  for (const p of cluster.authorizationPolicies ?? [])
    if (p.action === "DENY")
      for (const r of p.rules)
        out.push({
          family: "Istio",
          policy: p.id,
          rule: istioRuleName(r),
          key: key([p.selector, p.targetRefs, r]),
          file: p.source.file,
          line: r.line,
        });
  // STRICT mTLS refuses plaintext: a deny of every source outside the mesh.
  for (const p of cluster.peerAuthentications ?? []) {
    const strict = [
      ...(p.mode === "STRICT" ? ["mtls STRICT"] : []),
      ...p.portLevel.filter((l) => l.mode === "STRICT").map((l) => `portLevelMtls[${l.port}] STRICT`),
    ];
    for (const rule of strict)
      out.push({
        family: "Istio",
        policy: p.id,
        rule,
        key: key([p.selector, rule]),
        file: p.source.file,
        line: p.source.line,
      });
  }
  return out;
}

/** Every allow rule restricted at L7: Cilium rules with L7 rules or toFQDNs, Istio ALLOW rules with request fields. */
export function l7Restrictions(cluster: Cluster): L7Restriction[] {
  const out: L7Restriction[] = [];
  for (const p of cluster.ciliumPolicies ?? [])
    for (const spec of p.specs)
      for (const r of [...spec.ingress, ...spec.egress])
        if (!r.deny && r.l7.length)
          out.push({
            family: "Cilium",
            policy: p.id,
            rule: ciliumRuleName(r),
            l7: r.l7,
            file: p.source.file,
            line: r.line,
          });
  for (const p of cluster.calicoPolicies ?? [])
    for (const r of [...p.ingress, ...p.egress])
      if (r.action === "Allow" && r.l7.length)
        out.push({
          family: "Calico",
          policy: p.id,
          rule: calicoRuleName(r),
          l7: r.l7,
          file: p.source.file,
          line: r.line,
        });
  for (const p of cluster.authorizationPolicies ?? [])
    if (p.action === "ALLOW")
      for (const r of p.rules) {
        const l7 = istioL7(r);
        if (l7.length)
          out.push({ family: "Istio", policy: p.id, rule: istioRuleName(r), l7, file: p.source.file, line: r.line });
      }
  return out;
}
