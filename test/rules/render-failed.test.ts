import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/manifests/diagnostics.js";
import { RENDER_FAILED, RENDERED } from "../../src/manifests/render-codes.js";
import { deployment, findingsOf } from "./harness.js";

const RULE = "render-failed";
const web = deployment("shop", "web");
const at = (code: string, message: string): Diagnostic => ({
  severity: code === RENDER_FAILED ? "error" : "info",
  file: "overlays/prod/kustomization.yaml",
  line: 3,
  message,
  code,
});

describe(RULE, () => {
  it("fires when a root that rendered in the base fails in the head", () => {
    const hits = findingsOf(
      RULE,
      { yaml: web, diagnostics: [at(RENDERED, "rendered by kustomize: 1 object")] },
      { yaml: web, diagnostics: [at(RENDER_FAILED, "kustomize: missing resource deploy.yaml")] },
    );
    expect(hits).toHaveLength(1);
    expect(hits[0].file).toBe("overlays/prod/kustomization.yaml");
    expect(hits[0].message).toContain("rendered in the base");
  });

  it("does not fire when the root failed in the base already", () => {
    const failing = { yaml: web, diagnostics: [at(RENDER_FAILED, "kustomize: missing resource deploy.yaml")] };
    expect(findingsOf(RULE, failing, failing)).toEqual([]);
  });
});
