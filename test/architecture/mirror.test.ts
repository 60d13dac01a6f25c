// Tests mirror src/: a test of src/X/Y.ts lives in test/X/, so a reader finds a module's tests by its path.
// Every *.test.ts under test/ sits in a folder that exists under src/ (a file at the top of test/ is named
// after a file at the top of src/), except the folders listed below, which test no one module.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/** Top-level folders of test/ that mirror no src/ folder, each with why. */
const OUTSIDE_SRC: Record<string, string> = {
  e2e: "the App, the Action and the service as processes against the fake GitHub",
  browser: "the comment and the report drawn in a real Chromium (vitest.browser.config.ts)",
  architecture: "checks on the shape of the code and the tests themselves",
  setup: "vitest's global setup",
  fixtures: "inputs, not tests",
  helpers: "code shared by tests of several folders, and the tests of that code",
  deploy: "the Helm chart of deploy/ rendered and reviewed, not a module of src/",
};

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

/** The test files of `testRoot` that mirror nothing under `srcRoot`, relative to `testRoot`. */
function misplaced(testRoot: string, srcRoot: string): string[] {
  return testFiles(testRoot)
    .map((file) => relative(testRoot, file).split(sep))
    .filter((parts) => !(parts.length > 1 && parts[0] in OUTSIDE_SRC))
    .filter((parts) => {
      const folders = parts.slice(0, -1);
      if (folders.length > 0) return !existsSync(join(srcRoot, ...folders));
      // test/snapshot.test.ts, test/snapshot.property.test.ts: a file at the top of src/.
      return !existsSync(join(srcRoot, `${parts[0].split(".")[0]}.ts`));
    })
    .map((parts) => parts.join("/"));
}

describe("test/ mirrors src/", () => {
  it("every test file sits in a folder that exists under src/", () => {
    expect(misplaced(join(ROOT, "test"), join(ROOT, "src"))).toEqual([]);
  });

  it("names a test file whose folder is not under src/, or that sits at the top without a src/ file", () => {
    const fake = mkdtempSync(join(tmpdir(), "reachdiff-mirror-"));
    try {
      const files = [
        "src/snapshot.ts",
        "src/model/build.ts",
        "src/model/kinds/ingress.ts",
        "test/snapshot.test.ts",
        "test/model/build.test.ts",
        "test/model/kinds/ingress.test.ts",
        "test/e2e/app.e2e.test.ts",
        "test/helpers/npguard.test.ts",
        "test/model/helpers.ts",
        "test/engine/loader.test.ts",
        "test/model/kinds/nowhere/x.test.ts",
        "test/scenarios.test.ts",
      ];
      for (const file of files) {
        mkdirSync(dirname(join(fake, file)), { recursive: true });
        writeFileSync(join(fake, file), "");
      }
      expect(misplaced(join(fake, "test"), join(fake, "src")).sort()).toEqual([
        "engine/loader.test.ts",
        "model/kinds/nowhere/x.test.ts",
        "scenarios.test.ts",
      ]);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
