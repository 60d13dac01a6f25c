// The check run's page (output.text) and annotations: every finding with rule id, severity, file:line
// and, for a connection, the decision trace of both sides; within GitHub's 65,535 characters, cut
// only between whole blocks with a line saying what was left out.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { explain } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { CHECK_TEXT_MAX_CHARS, checkText } from "../../src/github/check-text.js";
import { reviewFetchedHere } from "../../src/github/fetch-sides.js";
import type { ReviewOutput } from "../../src/review/review.js";
import type { Finding } from "../../src/rules/rule.js";
import { loadFetchedSide } from "../../src/snapshot.js";

const SHA = "a".repeat(40);
const REPO = "https://github.com/octo-org/k8s-config";
const files = (side: string) => {
  const dir = resolve("fixtures/demo", side);
  return readdirSync(dir).map((f) => ({ name: `k8s/${f}`, text: readFileSync(join(dir, f), "utf8") }));
};
const demo = () =>
  reviewFetchedHere({
    base: { files: files("base") },
    head: { files: files("head") },
    config: defaultConfig(),
    headSha: SHA,
    repoUrl: REPO,
  });

/** Fences open and close in pairs, and no block is cut: each finding shown ends with its fix or its trace. */
function wellFormed(text: string) {
  const fences = text.split("\n").filter((l) => /^`{3,}/.test(l));
  expect(fences.length % 2).toBe(0);
  const findings = text.split(/\n(?=#### \d+\. )/).slice(1);
  for (const f of findings) {
    const block = f.split("\n\n---\n\n")[0].trimEnd();
    expect(block.split("\n").at(-1)).toMatch(/^(Fix: .*|`{3,})$/);
  }
}

describe("check run text", () => {
  it("gives each finding its rule id, severity, a link to file:line, and a connection's decision trace", async () => {
    const summary = await demo();
    const text = summary.check.text!;
    const report = summary.report as { findings: { rule: string; severity: string; file: string; line: number }[] };
    expect(report.findings.length).toBe(9);
    for (const f of report.findings)
      expect(text).toContain(
        `${f.severity} · \`${f.rule}\` · [${f.file}:${f.line}](${REPO}/blob/${SHA}/${f.file}#L${f.line})`,
      );
    // The cross-namespace flow the head opens: why it was denied in base and is allowed in head, as explain says.
    const load = (side: string) => loadFetchedSide({ files: files(side) }, { globs: defaultConfig().paths });
    const [base, head] = [await load("base"), await load("head")];
    const from = "monitoring/Deployment/prometheus";
    const to = "shop/Deployment/web";
    const port = { protocol: "TCP" as const, port: 8080 };
    const trace = text.slice(text.indexOf("`new-cross-namespace-flow`"));
    expect(trace).toContain(`Base:\n\n\`\`\`text\n${explanationText(explain(base, from, to, port)).trimEnd()}\n\`\`\``);
    expect(trace).toContain(`Head:\n\n\`\`\`text\n${explanationText(explain(head, from, to, port)).trimEnd()}\n\`\`\``);
    expect(trace).toMatch(/shop\/NetworkPolicy\/web ingress rule #1 allows TCP 8080 \(k8s\/network-policies.yaml:38\)/);
    // Ingress from the internet: the connection from outside addresses, named by its CIDR.
    const db = { from: "ip:0.0.0.0/0", to: "shop/StatefulSet/db", port: { protocol: "TCP" as const, port: 5432 } };
    const internet = text.slice(
      text.indexOf("`ingress-from-internet`"),
      text.indexOf("`loadbalancer-without-source-ranges`"),
    );
    expect(internet).toContain(
      `Head:\n\n\`\`\`text\n${explanationText(explain(head, db.from, db.to, db.port)).trimEnd()}\n\`\`\``,
    );
    expect(internet).toMatch(
      /shop\/NetworkPolicy\/db ingress rule #2 allows TCP 5432 \(k8s\/network-policies.yaml:86\)/,
    );
    // Exposure and object findings have no connection to trace.
    expect(text.slice(text.indexOf("`exposure-loses-tls`"), text.indexOf("`ingress-from-internet`"))).not.toContain(
      "Decision trace",
    );
    // Then the comment's tables, without its hidden marker.
    expect(text).toContain(summary.comment.split("\n").slice(1).join("\n").trim());
    expect(text).not.toContain("<!-- reachdiff");
    wellFormed(text);
  });

  it("puts the trace in the annotation's raw details and the rule id in its title", async () => {
    const { check } = await demo();
    const flow = check.annotations.find((a) => a.title.includes("(new-cross-namespace-flow)"))!;
    expect(flow).toMatchObject({ path: "k8s/network-policies.yaml", start_line: 29, annotation_level: "warning" });
    expect(flow.raw_details).toMatch(/^Base:\n.*DENIED.*\n[\s\S]*Head:\n.*ALLOWED/);
    expect(check.annotations.filter((a) => a.raw_details).map((a) => a.title)).toEqual([
      "high: Ingress newly allowed from internet addresses (ingress-from-internet)",
      "medium: New connection across namespaces (new-cross-namespace-flow)",
    ]);
    expect(check.annotations.every((a) => /\([a-z-]+\)/.test(a.title) || a.title === "manifest cannot be read")).toBe(
      true,
    );
  });

  it("stays within 65,535 characters, cutting between whole findings, and says how many were left out", async () => {
    const { result, verdict, traces } = reviewOutputOf(await demo());
    // 3,000 findings with hostile text: backticks that would close a fence, Markdown and HTML.
    const many: Finding[] = Array.from({ length: 3_000 }, (_, i) => ({
      rule: "new-connection",
      severity: i < 10 ? "high" : "low",
      title: "New connection",
      messageId: "x",
      data: {},
      message: `a/Deployment/w${i} can now reach b/Deployment/x <script>alert(1)</script> \`\`\`\`\` | # [x](http://e)`,
      file: `k8s/app-${i}.yaml`,
      line: i + 1,
      objects: [`a/Deployment/w${i}`, "b/Deployment/x"],
      fix: "Narrow it.",
    }));
    const hostileTrace = "x -> y: ALLOWED\n  - ```` closes nothing\n  - <b>bold</b>";
    const output: ReviewOutput = {
      result: { ...result, findings: many },
      verdict,
      traces: [...(traces ?? []), { finding: 0, base: hostileTrace, head: hostileTrace }],
    };
    const text = checkText(output, "<!-- reachdiff:v1 -->\n### Reachdiff\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", {
      headSha: SHA,
      repoUrl: REPO,
    });
    expect(text.length).toBeLessThanOrEqual(CHECK_TEXT_MAX_CHARS);
    expect(text.length).toBeGreaterThan(CHECK_TEXT_MAX_CHARS - 2_000);
    const shown = [...text.matchAll(/^#### (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => i + 1));
    const left = 3_000 - shown.length;
    expect(text).toMatch(
      new RegExp(
        `\\*\\*Not shown here\\*\\* \\(GitHub keeps 65,535 characters\\): ${left.toLocaleString("en-US")} more finding\\(s\\), the pull-request comment's tables\\.`,
      ),
    );
    expect(text).toContain(`--head ${SHA.slice(0, 12)} --format json`);
    wellFormed(text);
    // The hostile trace sits in a fence longer than its backticks; the messages add no markup.
    expect(text).toContain("`````text\nx -> y: ALLOWED\n  - ```` closes nothing");
    expect(text).not.toMatch(/<script>|\]\(http:\/\/e\)/);
  });
});

/** The review output behind a published summary, for a test that varies it (the demo's verdict and traces). */
function reviewOutputOf(summary: Awaited<ReturnType<typeof demo>>): ReviewOutput {
  const report = summary.report as { risk: ReviewOutput["result"]["risk"] };
  return {
    result: {
      risk: report.risk,
      findings: [],
      exposures: [],
      connections: [],
      objects: [],
    } as unknown as ReviewOutput["result"],
    verdict: {
      risk: report.risk,
      failOn: "high",
      risky: true,
      unanalysed: [],
      unreadable: [],
      reason: "risk",
      failed: true,
      headline: summary.check.title,
    },
    traces: [],
  };
}

describe("check run summary", () => {
  it("counts a renamed workload once, not its connections removed and added", async () => {
    const scenario = (side: string) => {
      const dir = resolve("fixtures/scenarios/renamed-workloads", side);
      return readdirSync(dir).map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") }));
    };
    const out = await reviewFetchedHere({
      base: { files: scenario("base") },
      head: { files: scenario("head") },
      config: defaultConfig(),
      headSha: SHA,
      repoUrl: REPO,
    });
    expect(out.check.summary).toContain(
      "0 exposure change(s), 1 reachability change(s), 11 workload(s) renamed, 23 object change(s).",
    );
  });
});
