// Every registered rule has a test file of its own (test/rules/<id>.test.ts) and a docs entry.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/rules/index.js";

const HERE = import.meta.dirname;

describe("rule registry", () => {
  it("every rule has test/rules/<id>.test.ts with must-fire and must-not-fire cases", () => {
    for (const rule of RULES) {
      const file = join(HERE, `${rule.id}.test.ts`);
      expect(existsSync(file), `${rule.id} has no test file`).toBe(true);
      const text = readFileSync(file, "utf8");
      expect(text, `${rule.id}: must-fire case`).toMatch(/it\("fires/);
      expect(text, `${rule.id}: must-not-fire case`).toMatch(/it\("does not fire/);
    }
  });

  it("every rule test file belongs to a registered rule", () => {
    const ids = new Set(RULES.map((r) => r.id));
    const orphans = readdirSync(HERE)
      .filter((f) => f.endsWith(".test.ts") && f !== "registry.test.ts" && !f.endsWith(".unit.test.ts"))
      // <id>.property.test.ts belongs to the rule <id> too.
      .map((f) => f.split(".")[0])
      .filter((id) => !ids.has(id));
    expect(orphans).toEqual([]);
  });

  it("every rule has a section in docs/rules.md", () => {
    const docs = readFileSync(join(HERE, "../../docs/rules.md"), "utf8");
    for (const rule of RULES) expect(docs, rule.id).toContain(`\n## ${rule.id}\n`);
  });
});
