// The package version every output names (SARIF's driver, the comment's and the HTML report's footer, --version).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageVersion } from "../../src/manifests/package-version.js";
import { ROOT } from "../helpers/report.js";

describe("packageVersion", () => {
  it("is the version in the repository's package.json", () => {
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(packageVersion()).toBe(version);
  });
});
