// `reachdiff diff --format markdown|mermaid|sarif` on the demo, through the built CLI.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseMarker } from "../../src/report/markdown.js";
import { parseMermaid, ROOT } from "./helpers.js";

const diff = (format: string) =>
  execFileSync(process.execPath, ["build/src/cli.js", "diff", "--base", "fixtures/demo/base", "--head", "fixtures/demo/head", "--fail-on", "none", "--format", format], { cwd: ROOT, encoding: "utf8" });

describe("reachdiff diff --format", () => {
  it("markdown prints the pull-request comment", async () => {
    const out = diff("markdown");
    expect(parseMarker(out)).toEqual({ version: 1 });
    expect(out).toContain("#### Risks");
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(out)![1];
    await parseMermaid(diagram);
  });

  it("mermaid prints just the diagram", async () => {
    const out = diff("mermaid");
    expect(out.startsWith("flowchart LR\n")).toBe(true);
    await parseMermaid(out);
  });

  it("sarif prints a SARIF 2.1.0 log", () => {
    const log = JSON.parse(diff("sarif")) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results.map((r) => r.ruleId)).toContain("ingress-from-internet");
  });

  it("lists the formats in --help and refuses unknown ones", () => {
    expect(execFileSync(process.execPath, ["build/src/cli.js", "diff", "--help"], { cwd: ROOT, encoding: "utf8" })).toMatch(/markdown .*mermaid .*sarif/s);
    expect(() => diff("html")).toThrow(/unknown format "html" \(text, json, markdown, mermaid, sarif\)/);
  });
});
