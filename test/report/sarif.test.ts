import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/rules/index.js";
import { fingerprint, renderSarif, sarifLevel } from "../../src/report/sarif.js";
import { cluster, demoResult, diff, ROOT } from "../helpers/report.js";

describe("SARIF 2.1.0", () => {
  const r = demoResult();
  const log = renderSarif(r, { toolVersion: "9.9.9" });
  const run = log.runs[0];

  it("describes the tool and every rule of the catalogue", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: "reachdiff", version: "9.9.9" });
    const rules = run.tool.driver.rules!;
    expect(rules.map((x) => x.id)).toEqual(RULES.map((x) => x.id));
    for (const [i, rule] of RULES.entries())
      expect(rules[i]).toMatchObject({
        shortDescription: { text: rule.title },
        fullDescription: { text: rule.explanation },
        help: { text: rule.fix },
        defaultConfiguration: { level: sarifLevel(rule.severity) },
      });
  });

  it("maps severities to levels", () => {
    expect(["critical", "high", "medium", "low", "info"].map((s) => sarifLevel(s as never))).toEqual([
      "error",
      "error",
      "warning",
      "note",
      "note",
    ]);
  });

  it("reports one result per finding, with rule, level, message and file:line", () => {
    expect(run.results).toHaveLength(r.findings.length);
    for (const [i, f] of r.findings.entries()) {
      const res = run.results![i];
      expect(res.ruleId).toBe(f.rule);
      expect(run.tool.driver.rules![res.ruleIndex!].id).toBe(f.rule);
      expect(res.level).toBe(sarifLevel(f.severity));
      expect(res.message.text).toContain(f.message);
      expect(res.locations![0].physicalLocation).toEqual({
        artifactLocation: { uri: f.file },
        region: { startLine: f.line },
      });
    }
    const internet = run.results!.find((x) => x.ruleId === "ingress-from-internet")!;
    expect(internet.locations![0].physicalLocation).toEqual({
      artifactLocation: { uri: "network-policies.yaml" },
      region: { startLine: 72 },
    });
    // Stable fingerprints, distinct per finding.
    const prints = run.results!.map((x) => x.partialFingerprints!["reachdiff/v2"]);
    expect(new Set(prints).size).toBe(prints.length);
    expect(renderSarif(r).runs[0].results!.map((x) => x.partialFingerprints!["reachdiff/v2"])).toEqual(prints);
  });

  it("fingerprints a finding by rule, message id and objects, not by its wording or line", () => {
    for (const f of r.findings) {
      expect(fingerprint({ ...f, message: `${f.message} (reworded)`, line: (f.line ?? 0) + 40 })).toBe(fingerprint(f));
      expect(fingerprint({ ...f, messageId: `${f.messageId}-other` })).not.toBe(fingerprint(f));
      expect(fingerprint({ ...f, objects: [...f.objects, "shop/Deployment/other"] })).not.toBe(fingerprint(f));
      expect(fingerprint({ ...f, objects: [...f.objects].reverse() })).toBe(fingerprint(f));
    }
  });

  it("survives JSON and names the package version by default", () => {
    expect(JSON.parse(JSON.stringify(log))).toEqual(log);
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
    expect(renderSarif(r).runs[0].tool.driver.version).toBe(version);
  });

  it("lists what could not be read as notifications with their location, and encodes odd file names", () => {
    const good = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
    const bad = diff(cluster(good, "base.yaml"), cluster(`${good}---\nkind: [unterminated\n`, "my dir/head (1).yaml"));
    const notes = renderSarif(bad).runs[0].invocations![0].toolExecutionNotifications!;
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0].locations![0].physicalLocation!.artifactLocation!.uri).toBe("my%20dir/head%20%281%29.yaml");
    expect(notes[0].level).toMatch(/error|warning/);
  });
});
