import type { Rule } from "./rule.js";
import { isMatchAll } from "../core/label-selector.js";
import type { NetworkPolicy } from "../model/types.js";

function openRules(p: NetworkPolicy): number[] {
  return p.policyTypes.ingress
    ? p.ingress
        .filter((r) =>
          r.peers?.some(
            (peer) => peer.type === "pods" && peer.namespaceSelector !== null && isMatchAll(peer.namespaceSelector),
          ),
        )
        .map((r) => r.index)
    : [];
}

export const rule: Rule = {
  id: "ingress-from-all-namespaces",
  severity: "medium",
  title: "Ingress newly allowed from all namespaces",
  explanation:
    "A rule with namespaceSelector: {} admits pods of every namespace, including ones created later by anyone allowed to create namespaces.",
  fix: "Select the client namespaces by label (kubernetes.io/metadata.name is always set) and the client pods by podSelector.",
  messages: { open: "{{policy}} ingress rule #{{rule}} admits pods from every namespace" },
  check(ctx) {
    const before = new Map(ctx.base.cluster.networkPolicies.map((p) => [p.id, openRules(p).length]));
    return ctx.head.cluster.networkPolicies
      .filter((p) => openRules(p).length > (before.get(p.id) ?? 0))
      .map((p) => {
        const rule = p.ingress[openRules(p)[0]];
        return {
          messageId: "open",
          data: { policy: p.id, rule: rule.index + 1 },
          objects: [p.id],
          file: p.source.file,
          line: rule.line,
        };
      });
  },
};
