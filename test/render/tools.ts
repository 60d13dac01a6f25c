// Which render tools this machine has, for tests that run them for real.
import { detectTools } from "../../src/render/tools.js";

const tools = detectTools();

/** `kustomize build` or `kubectl kustomize`, or null where neither is installed. */
export const KUSTOMIZE = tools.kustomize;
export const HELM = tools.helm;

/** Suffix for the name of a suite that needs kustomize: says why it is skipped. */
export const needsKustomize = KUSTOMIZE
  ? `(with ${KUSTOMIZE.join(" ")})`
  : "(SKIPPED: neither kustomize nor kubectl is on PATH; .ci/run fails in that case)";

export const needsHelm = HELM
  ? "(with helm)"
  : "(SKIPPED: helm is not on PATH; the helm command line is checked in units.test.ts and with a stand-in helm)";
