// `npm run test:browser`: the diagram and the HTML report drawn by Mermaid in a real headless
// Chromium (the system's /usr/bin/chromium, driven by playwright-core). Not part of `npm test`
// (vitest.config.ts leaves test/browser out); the tests skip, saying why, when there is no Chromium.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One browser at a time: Chromium is heavy, and the screenshots are written to one folder.
    fileParallelism: false,
  },
});
