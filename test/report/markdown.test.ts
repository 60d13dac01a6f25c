// The pull-request comment, built from real analyses. Every Mermaid block in it is parsed by the
// real Mermaid; hostile names must never add markup, HTML, links or mentions.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig as demoConfig } from "../../src/config/load-config.js";
import { headline } from "../../src/report/diff-text.js";
import { md, utf8Bytes } from "../../src/report/escape.js";
import { parseMarker, renderComment, SEVERITY_EMOJI } from "../../src/report/markdown.js";
import { loadSide } from "../../src/snapshot.js";
import {
  bigDiff,
  cluster,
  DEMO,
  demoResult,
  diff,
  HOSTILE,
  hostileDiff,
  testExposures,
  parseMermaid,
} from "../helpers/report.js";

const GOLDEN = join(import.meta.dirname, "golden");
const REPO = "https://github.com/acme/shop";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const REPORT = "https://github.com/acme/shop/actions/runs/42";

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** The comment split into prose (outside fences) and fenced blocks, with the fence reading Markdown would use. */
function split(comment: string): { prose: string[]; blocks: { info: string; body: string }[] } {
  const prose: string[] = [];
  const blocks: { info: string; body: string }[] = [];
  const lines = comment.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})([^`]*)$/.exec(lines[i]);
    if (!open) {
      prose.push(lines[i]);
      continue;
    }
    const body: string[] = [];
    // CommonMark: a closing fence is at least as long as the opening one, with nothing after it.
    for (i++; i < lines.length && !new RegExp(`^${open[1]}\`*\\s*$`).test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ info: open[2], body: body.join("\n") });
  }
  return { prose, blocks };
}

/** Unescaped pipes: cells of a table row. */
const pipes = (row: string) => row.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 1;

async function expectSafe(comment: string, maxBytes = 65_536): Promise<void> {
  expect(utf8Bytes(comment)).toBeLessThanOrEqual(maxBytes);
  expect(parseMarker(comment)).not.toBeNull();
  const { prose, blocks } = split(comment);
  const text = prose.join("\n");
  // HTML: only the tags the renderer writes itself.
  for (const m of text.matchAll(/</g))
    expect(text.slice(m.index, m.index + 20)).toMatch(
      /^(<!-- reachdiff:v1[ -]|<\/?details>|<\/?summary>|<\/?sub>|<br>)/,
    );
  expect(text).not.toMatch(/<script/i);
  // Entities: only the renderer's own.
  for (const m of text.matchAll(/&/g)) expect(text.slice(m.index, m.index + 5)).toMatch(/^&(amp|lt|gt);/);
  // No mentions, no issue references, no autolinks, and links only to the repository or the report.
  expect(text).not.toMatch(/(^|[^\w`])@[A-Za-z0-9]/);
  expect(text).not.toMatch(/(^|[^\\])#\d/);
  for (const m of text.matchAll(/\]\(([^)]*)\)/g))
    expect(m[1].startsWith(`${REPO}/blob/${SHA}/`) || m[1] === REPORT).toBe(true);
  expect(text.replace(/\]\([^)]*\)/g, "")).not.toMatch(/:\/\/|www\./i);
  // Tables keep their shape whatever the cells hold.
  let width = 0;
  for (const line of prose) {
    if (!line.startsWith("|")) {
      width = 0;
      continue;
    }
    if (!width) width = pipes(line);
    expect(pipes(line)).toBe(width);
  }
  // Fenced blocks are only ours: the diagram (which must parse) and the diff.
  for (const b of blocks) {
    expect(["mermaid", "diff"]).toContain(b.info);
    if (b.info === "mermaid") await parseMermaid(b.body);
    else for (const line of b.body.split("\n")) expect(line).toMatch(/^[-+ ] /);
  }
}

describe("the demo pull request's comment", () => {
  const r = demoResult();
  const comment = renderComment(r, { repoUrl: REPO, headSha: SHA });

  it("matches the golden file", async () => {
    golden("demo-comment.md", comment);
    await expectSafe(comment);
  });

  it("starts with the marker and the verdict", () => {
    const [first, , title] = comment.split("\n");
    expect(first).toBe(`<!-- reachdiff:v1 head=${SHA} -->`);
    expect(parseMarker(comment)).toEqual({ version: 1, head: SHA });
    expect(title).toBe(`### 🟥 ${md(headline(r))}`);
    expect(title).toBe(
      "### 🟥 Critical risk: this PR makes db in namespace shop reachable from the internet on port 5432 \\(postgres\\) through the load balancer db-external",
    );
  });

  it("has one visible table of three columns, fixes once per rule, the rest in details, nothing twice", () => {
    expect(comment).toContain("| Severity | What changed | Where |");
    expect(comment).toContain(
      `| 🟧 high | the internet \\(0.0.0.0/0\\) can now reach db in namespace shop on port 5432 \\(postgres\\) | [network-policies.yaml:72](${REPO}/blob/${SHA}/network-policies.yaml#L72) |`,
    );
    // Every table has at most 4 columns.
    for (const line of comment.split("\n").filter((l) => /^\|(---\|)+$/.test(l)))
      expect(line.split("---").length - 1).toBeLessThanOrEqual(4);
    // Two findings share a rule: its fix is said once.
    expect(comment.match(/Keep the host in the Ingress tls section/g)).toHaveLength(1);
    expect(comment).toContain("<details><summary>How to fix (7 rules)</summary>");
    expect(comment).toContain("<details><summary>Exposure changes (4)</summary>");
    // Exposure: three columns, each note once under the table, numbered.
    expect(comment).toContain("| Entry point | Reaches | What changed |");
    expect(comment).toContain(
      `| added: [LoadBalancer :5432 of shop/Service/db-external](${REPO}/blob/${SHA}/services.yaml#L66) | shop/StatefulSet/db postgres/5432 | from 0.0.0.0/0 (notes 1, 2, 3) |`,
    );
    expect(comment).toMatch(
      /\| changed: \[Ingress shop\.example\.com\/ \\\(shop\/Ingress\/shop\\\)\]\([^)]*\) \| shop\/Deployment\/web 8080 \| from 0\.0\.0\.0\/0; TLS dropped \(notes 6, 7, 8\) \|/,
    );
    expect(comment.match(/are reached through ingress-nginx\/Service\/ingress-nginx-controller/g)).toHaveLength(1);
    // Reachability: grouped by the object that causes it.
    expect(comment).toContain(
      `**Because [shop/NetworkPolicy/web](${REPO}/blob/${SHA}/network-policies.yaml#L29) changed**: 1 connection\n\n- added: monitoring/Deployment/prometheus to shop/Deployment/web on TCP 8080\n`,
    );
    // The connectivity delta repeated the reachability table: gone.
    expect(comment).not.toContain("Connectivity delta");
    expect(comment).toContain("Reviewed 0123456 with reachdiff ");
    expect(comment).toContain("`/reachdiff run`");
  });

  it("groups findings by root cause: one row per changed object, the worst first, the others inside it", () => {
    const rows = comment.split("\n").filter((l) => /^\| (🟥|🟧|🟨|🟦|⬜) /.test(l));
    expect(rows).toHaveLength(5);
    const lb = rows[0];
    expect(lb).toMatch(
      /^\| 🟥 critical \| \*\*Service db-external in namespace shop\*\* added: db becomes reachable from the internet on port 5432 \\\(postgres\\\) via the load balancer db-external<br>/,
    );
    expect(lb.match(/<br>also /g)).toHaveLength(3);
    // The lead said the namespace: the findings under it do not again.
    expect(lb).toContain("<br>also 🟨 medium: Service db-external opens a node port on every node");
    expect(lb).not.toMatch(/<br>.*in namespace/);
    expect(rows[1]).toMatch(
      /^\| 🟧 high \| \*\*Ingress shop in namespace shop\*\* changed: .*<br>also 🟧 high: the Ingress shop\.example\.com\/api to api no longer uses TLS/,
    );
    // A finding alone at its place is a row of its own, without a lead.
    expect(rows[2]).toMatch(
      /^\| 🟧 high \| the internet \\\(0\.0\.0\.0\/0\\\) can now reach db in namespace shop on port 5432 /,
    );
  });

  it("says first whether it blocks merging, and by which setting", () => {
    const blocked = renderComment(r, { verdict: { failed: true, failOn: "high" } });
    expect(blocked.split("\n")[2]).toBe("**⛔ Blocks merging:** the risk (critical) reaches `fail-on: high`");
    const passes = renderComment(r, { verdict: { failed: false, failOn: "none" } });
    expect(passes.split("\n")[2]).toBe("**✅ Does not block merging** (`fail-on: none`)");
  });

  it("names files without links when the repository is not known", () => {
    const plain = renderComment(r);
    expect(plain.split("\n")[0]).toBe("<!-- reachdiff:v1 -->");
    expect(plain).toContain("| network-policies.yaml:72 |");
    expect(plain).not.toContain("](");
  });

  it("shows removals as removed (the demo in reverse)", async () => {
    const back = renderComment(diff(loadSide(join(DEMO, "head")), loadSide(join(DEMO, "base"))), {
      repoUrl: REPO,
      headSha: SHA,
    });
    expect(back).toContain("- removed: outside 0.0.0.0/0 to shop/StatefulSet/db on TCP 5432");
    expect(back).toMatch(/^### .* This PR reduces exposure/m);
    await expectSafe(back);
  });
});

describe("quiet and broken inputs", () => {
  it("says briefly that nothing changes, with no diagram", async () => {
    const same = renderComment(diff(loadSide(join(DEMO, "base")), loadSide(join(DEMO, "base"))), { headSha: SHA });
    expect(same).toContain("### ✅ No change in exposure or reachability.");
    expect(same).not.toContain("```");
    expect(same.split("\n").length).toBeLessThan(10);
    await expectSafe(same);
  });

  it("says what could not be read on each side, with file and line", async () => {
    const good = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
    const broken = `${good}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: [not, a, map]\n---\nkind: [unterminated\n`;
    const c = renderComment(diff(cluster(good, "base.yaml"), cluster(broken, "apps/head.yaml")));
    expect(c).toMatch(/^⚠️ Could not read everything: 2 problems, first apps\/head\.yaml:\d+: /m);
    expect(c).toContain("<details><summary>What could not be read (2 problems)</summary>");
    expect(c).toContain("**head** (");
    expect(c).not.toContain("**base** (");
    expect(c).toMatch(/- apps\/head\.yaml:\d+: (error|warning): /);
    await expectSafe(c);
  });

  it("prints the configuration's notes", () => {
    const cfg = { ...demoConfig(), "enforces-network-policy": false };
    const c = renderComment(diff(loadSide(join(DEMO, "base")), loadSide(join(DEMO, "head")), cfg));
    expect(c).toContain("> **Note:** The configuration says this cluster does not enforce NetworkPolicy");
  });
});

describe("size", () => {
  it("keeps a huge change under 65,536 bytes with the verdict and risk table, and says what it left out", async () => {
    const r = bigDiff(30, 8);
    expect(r.connections.length + r.exposures.length).toBeGreaterThan(2000);
    const c = renderComment(r, { repoUrl: REPO, headSha: SHA, reportUrl: REPORT });
    expect(utf8Bytes(c)).toBeLessThanOrEqual(65_536);
    expect(c).toContain(`### ${SEVERITY_EMOJI[r.risk]} ${md(headline(r))}`);
    expect(c).toContain("| Severity | What changed | Where |");
    expect(c).toMatch(/\| … \| and [\d,]+ more findings \| \|\n/);
    expect(c).toContain("> [!WARNING]");
    expect(c).toMatch(
      /Shortened to fit GitHub's comment size limit: left out [\d,]+ findings, the diagram, the exposure table, the reachability table\. See the \[full report\]\(/,
    );
    await expectSafe(c);
  });

  it("steps down: full, collapsed diagram, tables only, fewer rows, verdict and risks", async () => {
    const busy = bigDiff(2, 2);
    const full = renderComment(busy, { reportUrl: REPORT });
    expect(full).toContain("```mermaid");
    expect(full).not.toContain("Diagram collapsed");
    expect(full).not.toContain("[!WARNING]");
    const collapsed = renderComment(busy, { reportUrl: REPORT, maxBytes: utf8Bytes(full) - 1 });
    expect(collapsed).toContain("```mermaid");
    expect(collapsed).toContain("Diagram collapsed by namespace: 4 workloads in 2 namespaces");

    const r = demoResult();
    const tables = renderComment(r, { reportUrl: REPORT, maxBytes: 5000 });
    expect(tables).not.toContain("```mermaid");
    expect(tables).toContain("<summary>Reachability changes");
    expect(tables).toMatch(/left out the diagram\./);
    const fewer = renderComment(r, { reportUrl: REPORT, maxBytes: 4300 });
    expect(fewer).toMatch(/\| … \| and \d+ more exposure changes \|/);
    expect(fewer).toMatch(/left out the diagram, \d+ exposure changes?(, \d+ reachability changes?)?\./);
    const risks = renderComment(r, { reportUrl: REPORT, maxBytes: 3000 });
    expect(risks).toContain("| Severity | What changed | Where |");
    expect(risks).not.toContain("<summary>Reachability changes");
    expect(risks).toMatch(
      /left out the diagram, the exposure table, the reachability table\. See the \[full report\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/42\)\./,
    );
    for (const c of [collapsed, tables, fewer, risks]) await expectSafe(c);
  });

  it("fits any budget", async () => {
    const r = demoResult();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 600, max: 20_000 }), async (maxBytes) => {
        const c = renderComment(r, { repoUrl: REPO, headSha: SHA, reportUrl: REPORT, maxBytes });
        expect(utf8Bytes(c)).toBeLessThanOrEqual(maxBytes);
        expect(parseMarker(c)).toEqual({ version: 1, head: SHA });
        if (maxBytes >= 2500) {
          expect(c).toContain("### 🟥 Critical risk");
          expect(c).toContain("| Severity | What changed |");
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe("hostile manifests", () => {
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
    {
      weight: 2,
      arbitrary: fc.array(fc.constantFrom(...HOSTILE), { minLength: 2, maxLength: 4 }).map((a) => a.join("")),
    },
  );
  const name = text.map((s) => s || "x");

  it("never inject Markdown, HTML, links or mentions into the comment", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          namespace: name,
          client: name,
          server: name,
          service: name,
          host: text,
          path: text,
          note: text,
          file: name,
        }),
        fc.boolean(),
        fc.constantFrom(65_536, 3000),
        async (t, real, maxBytes) => {
          const c = renderComment(hostileDiff(t, real ? exposureOf : testExposures), {
            repoUrl: REPO,
            headSha: SHA,
            reportUrl: REPORT,
            maxBytes,
          });
          await expectSafe(c, maxBytes);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 40) },
    );
  });
});
