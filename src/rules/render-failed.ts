import type { Rule } from "./rule.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { RENDER_FAILED, RENDERED } from "../manifests/render-codes.js";

const byFile = (diagnostics: readonly Diagnostic[], code: string) =>
  new Map(diagnostics.filter((d) => d.code === code).map((d) => [d.file, d]));

export const rule: Rule = {
  id: "render-failed",
  severity: "high",
  title: "Manifests no longer render",
  explanation:
    "A Kustomize root, Helm chart or render command that rendered in the base fails in the head (or a new one fails from the start). What it would apply cannot be analysed, and a GitOps controller would fail to apply it too.",
  fix: "Run the tool named in the message locally (kubectl kustomize, helm template) and fix the error it reports: a missing file, a bad patch, invalid YAML, a refused remote base.",
  messages: {
    broke: "rendered in the base but fails in the head: {{error}}",
    fails: "fails to render in the head: {{error}}",
  },
  check(ctx) {
    const failedBefore = byFile(ctx.base.cluster.diagnostics, RENDER_FAILED);
    const renderedBefore = byFile(ctx.base.cluster.diagnostics, RENDERED);
    return [...byFile(ctx.head.cluster.diagnostics, RENDER_FAILED).values()]
      .filter((d) => !failedBefore.has(d.file))
      .map((d) => ({
        messageId: renderedBefore.has(d.file) ? "broke" : "fails",
        data: { error: d.message },
        objects: [],
        file: d.file,
        line: d.line > 0 ? d.line : undefined,
      }));
  },
};
