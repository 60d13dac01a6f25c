// An explanation (analysis/explain.ts) in words: the verdict, where the flow is declared, and each
// direction's deciding policies and rules with their file and line, as `reachdiff explain`, the
// /reachdiff explain reply and the check run's traces print it.
import type { ExplainStep, Explanation } from "../analysis/explain.js";
import type { Step } from "../analysis/policy-eval.js";
import { END_OF_TIER } from "../analysis/tiers/calico.js";

const TIER_NAMES: Record<Step["tier"], string> = {
  admin: "admin tier",
  networkpolicy: "NetworkPolicy",
  cilium: "Cilium",
  calico: "Calico",
  istio: "Istio",
  baseline: "baseline tier",
  default: "default",
  hostNetwork: "hostNetwork",
};

function describeStep(s: ExplainStep): string {
  const where = s.file ? ` (${s.file}:${s.line})` : "";
  switch (s.tier) {
    case "hostNetwork":
      return "the pod uses hostNetwork: NetworkPolicy does not apply to it";
    case "default":
      return `no policy decides ${s.conns}: allowed by default`;
    case "networkpolicy":
      return s.verdict === "isolate"
        ? `${s.policy} selects the pod but none of its rules matches this peer${where}`
        : s.conns.isEmpty()
          ? `${s.policy} ${s.rule} matches this peer but allows only ${s.ruleConns}${where}`
          : `${s.policy} ${s.rule} allows ${s.conns}${where}`;
    case "cilium": {
      const l7 = s.l7?.length ? ` — allowed at L4, restricted at L7 (${s.l7.join(", ")}), which is not evaluated` : "";
      if (s.verdict === "isolate")
        return `${s.policy} selects the pod (default deny) but none of its rules matches this peer${where}`;
      if (s.verdict === "deny")
        return `${s.policy} ${s.rule} denies ${s.conns} (Cilium deny wins over every allow)${where}`;
      return s.conns.isEmpty()
        ? `${s.policy} ${s.rule} matches this peer but allows only ${s.ruleConns}${where}${l7}`
        : `${s.policy} ${s.rule} allows ${s.conns}${where}${l7}`;
    }
    case "istio": {
      const l7 = s.l7?.length ? ` — allowed at L4, restricted at L7 (${s.l7.join("; ")}), which is not evaluated` : "";
      const note = s.note ? ` (${s.note})` : "";
      const rule = s.rule ? `${s.policy} ${s.rule}` : `${s.policy}`;
      if (s.verdict === "isolate")
        return s.rule
          ? `${rule} matches this peer but cannot apply${note}${where}`
          : `${s.policy} (ALLOW) applies to the pod but none of its rules matches this peer${where}`;
      if (s.verdict === "deny") return `${rule} denies ${s.conns}${note}${where}`;
      if (s.verdict === "restrict")
        return `${rule} matches ${s.conns} but decides per request: not denied at L4, restricted at L7 (${(s.l7 ?? []).join("; ")})${where}`;
      return s.conns.isEmpty()
        ? `${rule} matches this peer but allows only ${s.ruleConns}${where}${l7}`
        : `${rule} allows ${s.conns}${where}${l7}`;
    }
    case "calico": {
      const tier = `Calico tier ${s.calicoTier}`;
      if (s.rule?.startsWith(END_OF_TIER))
        return s.verdict === "pass"
          ? `${tier}: no rule decides ${s.conns}; ${s.rule}: its defaultAction Pass hands it to the next tier${where}`
          : `${tier}: no rule decides ${s.conns}; ${s.rule}: denied (the tier's default deny)${where}`;
      const l7 = s.l7?.length ? ` — allowed at L4, restricted at L7 (${s.l7.join(", ")}), which is not evaluated` : "";
      const verb =
        s.verdict === "allow"
          ? "allows"
          : s.verdict === "deny"
            ? "denies"
            : s.verdict === "pass"
              ? "passes"
              : "logs (and goes on)";
      return `${s.policy} ${s.rule} (${tier}) ${verb} ${s.conns}${s.verdict === "pass" ? " to the next tier" : ""}${where}${l7}`;
    }
    default:
      return `${s.policy} rule ${s.rule} (${TIER_NAMES[s.tier]}) ${s.verdict === "pass" ? "passes" : s.verdict === "allow" ? "allows" : "denies"} ${s.conns}${s.verdict === "pass" ? " to the NetworkPolicy tier" : ""}${where}`;
  }
}

export function explanationText(e: Explanation): string {
  const lines = [
    `${e.from} -> ${e.to}: ${e.allowed.isEmpty() ? "DENIED" : e.allowed.equals(e.asked) ? "ALLOWED" : "PARTLY ALLOWED"}${e.asked.isAll() ? "" : ` (asked: ${e.asked})`}`,
  ];
  if (!e.allowed.isEmpty()) lines.push(`  allowed: ${e.allowed}`);
  for (const d of e.declared) {
    const port = d.targets.find((t) => t.workload === e.to)!;
    lines.push(
      `  declared: ${d.address} (${d.role}, ${port.protocol} ${port.port} on the pods) in ${d.via === "env" || d.via === "args" || d.via === "command" ? d.declared.field : `${d.declared.object} ${d.declared.field}`} at ${d.declared.file}:${d.declared.line}`,
    );
  }
  for (const [name, side] of [
    ["egress of the source", e.egress],
    ["ingress of the destination", e.ingress],
  ] as const) {
    if (!side) {
      lines.push(`  ${name}: an outside address; no policy applies`);
      continue;
    }
    lines.push(`  ${name}: ${side.conns.isEmpty() ? "denies" : `allows ${side.conns}`}`);
    const isolated = side.steps.some(
      (s) =>
        s.tier === "networkpolicy" ||
        (s.tier === "cilium" && s.verdict !== "deny") ||
        (s.tier === "istio" && s.verdict === "isolate"),
    );
    for (const s of side.steps) lines.push(`    - ${describeStep(s)}`);
    if (
      isolated &&
      !side.steps.some(
        (s) => (s.tier === "networkpolicy" || s.tier === "cilium" || s.tier === "istio") && s.verdict === "allow",
      ) &&
      side.conns.isEmpty()
    )
      lines.push(
        `    (isolated by ${side.steps.some((s) => s.tier === "networkpolicy") ? "NetworkPolicy" : side.steps.some((s) => s.tier === "cilium") ? "a Cilium policy" : "an Istio ALLOW policy"} and no rule allows this traffic)`,
      );
  }
  return `${lines.join("\n")}\n`;
}
