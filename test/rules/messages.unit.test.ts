// Message ids and templates: every finding names a message its rule declares, with every placeholder
// filled, so a finding's identity (rule + message id + objects) never depends on its wording.
import { describe, expect, it } from "vitest";
import { formatMessage } from "../../src/rules/rule.js";
import { RULES } from "../../src/rules/index.js";
import { demoResult } from "../helpers/report.js";

describe("rule messages", () => {
  it("fills {{name}} placeholders, joining lists", () => {
    expect(formatMessage("{{a}} reaches {{b}} on {{ports}}", { a: "x", b: 2, ports: ["TCP 80", "TCP 443"] })).toBe(
      "x reaches 2 on TCP 80, TCP 443",
    );
  });

  it("every rule declares at least one message id with a template", () => {
    for (const rule of RULES) {
      expect(Object.keys(rule.messages).length, rule.id).toBeGreaterThan(0);
      for (const [id, template] of Object.entries(rule.messages)) {
        expect(id, rule.id).toMatch(/^[a-z][A-Za-z]*$/);
        expect(template, `${rule.id}.${id}`).toMatch(/\{\{\w+\}\}/);
      }
    }
  });

  it("every finding of the demo names a declared message and fills all of its placeholders", () => {
    const byId = new Map(RULES.map((r) => [r.id, r]));
    const findings = demoResult().findings;
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      const template = byId.get(f.rule)!.messages[f.messageId];
      expect(template, `${f.rule}.${f.messageId}`).toBeDefined();
      expect(f.message).toBe(formatMessage(template, f.data));
      expect(f.message).not.toMatch(/\{\{\w+\}\}/);
    }
  });
});
