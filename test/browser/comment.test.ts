// The pull-request comment as a reviewer meets it on GitHub (test/browser/github.ts: GFM, GitHub's
// Markdown CSS, a 746 px body, Mermaid fitted to it, light and dark) for the demo, every scenario in
// fixtures/scenarios and a larger generated pull request: every diagram label at least 11 px on
// screen, changed edges wider and of more contrast than context edges in both themes, and at least
// 3:1 against the dark background; no table wider than the body (every <details> opened) and a
// headline of at most two lines. Screenshots of the demo (comment in both themes, check run, HTML
// report) go to docs/images/ for the README.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiffResult } from "../../src/rules/judge.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { renderHtml } from "../../src/report/html.js";
import { renderComment } from "../../src/report/markdown.js";
import { buildDiagram } from "../../src/report/mermaid.js";
import { publishedReview } from "../../src/github/check-output.js";
import { review } from "../../src/review/review.js";
import { loadSide } from "../../src/snapshot.js";
import { DEMO, diff, ROOT } from "../helpers/report.js";
import { HAVE_CHROMIUM, launch, OUT, open, SKIP_REASON, save } from "./chromium.js";
import { BACKGROUND, BODY_WIDTH, contrast, githubPage, type Measured, measure, type Theme } from "./github.js";
import { largePullRequest } from "./large-pr.js";

const IMAGES = join(ROOT, "docs/images");
const SCENARIOS = join(ROOT, "fixtures/scenarios");
const THEMES: readonly Theme[] = ["light", "dark"];
const MIN_LABEL_PX = 11;

const side = (dir: string, which: "base" | "head") => loadSide(join(dir, which));
const cases: [name: string, result: () => DiffResult][] = [
  ["demo", () => diff(side(DEMO, "base"), side(DEMO, "head"))],
  // A hardening pull request: its headline says in plain words what it reduces.
  ["the demo in reverse", () => diff(side(DEMO, "head"), side(DEMO, "base"))],
  ...readdirSync(SCENARIOS)
    .filter((n) => existsSync(join(SCENARIOS, n, "head")))
    .sort()
    .map((n): [string, () => DiffResult] => [
      `scenario ${n}`,
      () => diff(side(join(SCENARIOS, n), "base"), side(join(SCENARIOS, n), "head")),
    ]),
  ["a larger generated pull request (15 workloads, 3 namespaces)", largePullRequest],
];

/** The diagram's edges on screen, each with the change it draws (links are in link order). */
function edgesByKind(result: DiffResult, drawn: Measured["diagrams"][number]) {
  const links = buildDiagram(result).links;
  const seen = new Map<string, number>();
  return links.flatMap((l) => {
    const pair = `${l.from}_${l.to}`;
    const k = seen.get(pair) ?? 0;
    seen.set(pair, k + 1);
    // A node's arrow to itself is drawn in three segments (L_n1_n1_0-cyclic-special-1, ...).
    const id = `L_${pair}_${k}`;
    const paths = drawn.edges.filter((e) => e.id === id || e.id.startsWith(`${id}-`));
    expect(paths.length, `edge ${pair} #${k} is drawn`).toBeGreaterThan(0);
    return paths.map((p) => ({ ...p, kind: l.kind }));
  });
}

if (!HAVE_CHROMIUM) console.warn(`test:browser skipped: ${SKIP_REASON}`);

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? "the comment as GitHub draws it" : `the comment as GitHub draws it (skipped: ${SKIP_REASON})`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    for (const [name, result] of cases)
      it(`${name}: labels of 11 px or more, changed edges stronger than context, in light and dark`, async () => {
        const r = result();
        const comment = renderComment(r);
        const slug = name.replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, "");
        for (const theme of THEMES) {
          const o = await open(browser, save(`comment-${slug}-${theme}.html`, githubPage(comment, theme, name)), {
            width: 800,
            height: 900,
          });
          const m = await measure(o.page);
          expect(o.problems).toEqual([]);
          expect(m.state).toBe("rendered");
          expect(m.bodyWidth).toBe(746);
          expect(m.diagrams.length).toBe(buildDiagram(r).empty ? 0 : 1);
          for (const d of m.diagrams) {
            expect(d.width).toBeLessThanOrEqual(746.5);
            expect(d.smallest.px, `"${d.smallest.text}" on screen (${theme})`).toBeGreaterThanOrEqual(MIN_LABEL_PX);
            const edges = edgesByKind(r, d);
            const changed = edges.filter((e) => e.kind !== "context");
            const context = edges.filter((e) => e.kind === "context");
            expect(changed.length).toBeGreaterThan(0);
            const strength = (e: (typeof edges)[number]) => contrast(e.stroke, e.opacity, BACKGROUND[theme]);
            if (theme === "dark")
              for (const e of changed) expect(strength(e), `${e.id} against #0d1117`).toBeGreaterThanOrEqual(3);
            if (context.length) {
              expect(Math.min(...changed.map((e) => e.width))).toBeGreaterThan(
                Math.max(...context.map((e) => e.width)),
              );
              expect(Math.min(...changed.map(strength))).toBeGreaterThan(Math.max(...context.map(strength)));
            }
          }
          // Every table fits the body (none scrolls sideways, details opened) and the headline is read in
          // at most two lines.
          expect(m.wideTables, `tables wider than ${BODY_WIDTH} px (${theme})`).toEqual([]);
          expect(m.headlineLines, `headline "${m.headline}" (${theme})`).toBeLessThanOrEqual(2);
          if (theme === "light")
            console.log(
              `${name}: ${Math.round(m.height)} px tall, headline ${m.headlineLines} lines${m.diagrams.length ? `, smallest diagram label ${m.diagrams[0].smallest.px.toFixed(1)} px ("${m.diagrams[0].smallest.text}")` : ""}`,
            );
          // Every case as a reviewer sees it, for a person to look at (test-output/, gitignored).
          await o.page.locator(".frame").screenshot({ path: join(OUT, `comment-${slug}-${theme}.png`) });
          if (name === "demo") {
            mkdirSync(IMAGES, { recursive: true });
            await o.page.locator(".frame").screenshot({ path: join(IMAGES, `comment-${theme}.png`) });
          }
          await o.page.context().close();
        }
      });

    it("the check run's summary and the HTML report of the demo, for the README", async () => {
      const base = side(DEMO, "base");
      const head = side(DEMO, "head");
      const check = publishedReview(review({ base, head, config: defaultConfig() })).check;
      const markdown = `## ${check.conclusion === "failure" ? "❌" : "✅"} reachdiff\n\n### ${check.title}\n\n${check.summary}`;
      const c = await open(browser, save("check-run-light.html", githubPage(markdown, "light", "check run")), {
        width: 800,
        height: 900,
      });
      const m = await measure(c.page);
      expect(c.problems).toEqual([]);
      expect(m.state).toBe("rendered");
      await c.page.locator(".frame").screenshot({ path: join(IMAGES, "check-run.png") });
      await c.page.context().close();

      const o = await open(
        browser,
        save(
          "demo-report-docs.html",
          renderHtml(diff(base, head), { base: "fixtures/demo/base", head: "fixtures/demo/head" }),
        ),
        { width: 1100, height: 900 },
      );
      expect(o.problems).toEqual([]);
      expect(o.state).toBe("rendered");
      await o.page.screenshot({ path: join(IMAGES, "report.png"), fullPage: true });
      await o.page.context().close();
    });
  },
);
