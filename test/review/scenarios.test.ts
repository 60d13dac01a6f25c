// Every fixtures/scenarios/<name>/ is a small realistic pull request (base/ and head/) whose expected
// findings were checked by hand and pinned in expected.json.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { loadSide } from "../../src/snapshot.js";

const ROOT = "fixtures/scenarios";

interface Expected {
  risk: string;
  /** Rule ids of the findings, in report order, one entry per finding. */
  findings: string[];
  /** Text that must appear in the findings' messages. */
  mentions?: string[];
}

describe("scenarios", () => {
  for (const name of readdirSync(ROOT).sort()) {
    const dir = join(ROOT, name);
    if (!existsSync(join(dir, "expected.json"))) continue;
    it(name, () => {
      const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
      const result = diffClusters(
        loadSide(join(dir, "base")),
        loadSide(join(dir, "head")),
        defaultConfig(),
        exposureOf,
      );
      expect(result.findings.map((f) => f.rule)).toEqual(expected.findings);
      expect(result.risk).toBe(expected.risk);
      const messages = result.findings.map((f) => f.message).join("\n");
      for (const m of expected.mentions ?? []) expect(messages).toContain(m);
      for (const f of result.findings)
        if (f.severity !== "info") expect(f.file, `${f.rule} has a location`).toBeTruthy();
    });
  }

  it("covers at least 15 pull requests", () => {
    expect(readdirSync(ROOT).filter((n) => existsSync(join(ROOT, n, "expected.json"))).length).toBeGreaterThanOrEqual(
      15,
    );
  });
});
