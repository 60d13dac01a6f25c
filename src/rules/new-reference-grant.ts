import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "new-reference-grant",
  severity: "medium",
  title: "New ReferenceGrant opens a cross-namespace backend",
  explanation:
    "A ReferenceGrant lets routes in another namespace send traffic to Services of this one. Without to.name it grants every Service of the namespace.",
  fix: "Grant only the routes' namespace and name the exact Service in to.name.",
  messages: {
    added: "{{grant}} lets {{from}} reach {{to}} in {{namespace}}",
    changed: "{{grant}} now lets {{from}} reach {{to}} in {{namespace}}",
  },
  check(ctx) {
    return ctx.objects
      .filter((o) => o.kind === "ReferenceGrant" && o.change !== "removed")
      .map((o) => {
        const grant = ctx.head.cluster.referenceGrants.find((x) => x.id === o.id);
        const from = (grant?.from ?? []).map((f) => `${f.kind} in ${f.namespace}`).join(", ");
        const to = (grant?.to ?? []).map((t) => (t.name ? `${t.kind}/${t.name}` : `every ${t.kind}`)).join(", ");
        return {
          messageId: o.change === "added" ? "added" : "changed",
          data: { grant: o.id, from: from || "routes", to: to || "objects", namespace: o.id.split("/")[0] },
          objects: [o.id],
          file: o.file,
          line: o.line,
        };
      });
  },
};
