import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rulesMarkdown } from "../../src/rules/catalogue.js";
import { RULES } from "../../src/rules/index.js";

describe("rule catalogue", () => {
  it("docs/rules.md is generated from the rules (run `reachdiff rules --format markdown > docs/rules.md`)", () => {
    expect(readFileSync("docs/rules.md", "utf8")).toBe(rulesMarkdown());
  });

  it("gives every rule a unique kebab-case id, a title, an explanation and a fix", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.explanation.length).toBeGreaterThan(40);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });
});
