// The demo's diagram and the HTML report, drawn by the bundled Mermaid in headless Chromium: no
// Mermaid error, no page or console error, nothing fetched, the expected nodes, and added and removed
// paths drawn differently. Screenshots go to test-output/ for a person to look at.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiffResult } from "../../src/rules/judge.js";
import { renderHtml } from "../../src/report/html.js";
import { mermaidPage } from "../../src/report/html-page.js";
import { findingGroups } from "../../src/report/finding-groups.js";
import { renderComment } from "../../src/report/markdown.js";
import { buildDiagram, renderMermaid } from "../../src/report/mermaid.js";
import { loadSide } from "../../src/snapshot.js";
import { bigDiff, DEMO, demoResult, diff, HOSTILE, hostileDiff, ROOT } from "../helpers/report.js";
import {
  diagramScreenshot,
  drawn,
  HAVE_CHROMIUM,
  launch,
  open,
  OUT,
  overlaps,
  save,
  SKIP_REASON,
  type Drawn,
  type Opened,
} from "./chromium.js";

if (!HAVE_CHROMIUM) console.warn(`test:browser skipped: ${SKIP_REASON}`);

const RED = "rgb(229, 83, 75)"; // #e5534b, critical or high
const AMBER = "rgb(198, 144, 38)"; // #c69026, medium
const GREY = "rgb(140, 149, 159)"; // #8c959f, low, info, none, and unchanged context

/** A page drew its diagram cleanly: no error of any kind, nothing asked of the network. */
function expectClean(o: Opened, d: Drawn): void {
  expect(o.problems).toEqual([]);
  expect(o.state).toBe("rendered");
  expect(d.mermaidError).toBe(false);
  expect(d.svg).toBe(true);
  expect(o.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
}

const edgeBetween = (d: Drawn, from: string, to: string) => {
  const id = (label: string) => d.nodes.find((n) => n.label === label)?.id;
  return d.edges.find((e) => e.from === id(from) && e.to === id(to));
};

const inside = (inner: Drawn["nodes"][number]["box"], outer: Drawn["nodes"][number]["box"]) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** The demo pull request the other way round: every path it adds is removed. */
function reversedDemo(): DiffResult {
  return diff(loadSide(join(DEMO, "head")), loadSide(join(DEMO, "base")));
}

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? "in headless Chromium" : `in headless Chromium (skipped: ${SKIP_REASON})`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("the page reports a broken diagram (so the checks below can fail)", async () => {
      const o = await open(browser, save("broken-diagram.html", mermaidPage('flowchart LR\n  n1["a"] --> end')));
      expect(o.state).toBe("error");
      expect(o.problems.join("\n")).toMatch(/could not be drawn/);
      expect(await o.page.locator("#diagram").innerText()).toMatch(/could not be drawn/);
      await o.page.context().close();
    });

    it("draws the demo comment's diagram: the expected nodes, in their namespaces, coloured by risk", async () => {
      const comment = renderComment(demoResult());
      const text = /```mermaid\n([\s\S]*?)\n```/.exec(comment)![1];
      expect(text).toBe(renderMermaid(demoResult()));
      const o = await open(browser, save("demo-diagram.html", mermaidPage(text, "The demo pull request's diagram")));
      const d = await drawn(o.page);
      expectClean(o, d);

      const labels = d.nodes.map((n) => n.label);
      expect(labels).toEqual(
        expect.arrayContaining([
          "Internet",
          "db",
          "web",
          "api",
          "prometheus",
          "db-external: LoadBalancer :5432 + NodePort",
        ]),
      );
      const cluster = (label: string) => d.clusters.find((c) => c.label === label)!;
      const node = (label: string) => d.nodes.find((n) => n.label === label)!;
      // shop/StatefulSet/db: the node db inside the band "namespace shop".
      expect(inside(node("db").box, cluster("namespace shop").box)).toBe(true);
      expect(inside(node("prometheus").box, cluster("namespace monitoring").box)).toBe(true);
      expect(inside(node("db").box, cluster("namespace monitoring").box)).toBe(false);
      expect(d.clusters.map((c) => c.label)).not.toContain("Legend");

      // Critical (the internet reaches Postgres): red, thick; medium: amber; unchanged: grey, thin.
      const added = edgeBetween(d, "Internet", "db")!;
      expect(added).toMatchObject({ stroke: RED, width: "4px", label: "postgres/5432" });
      expect(["none", "0px"]).toContain(added.dash);
      expect(edgeBetween(d, "prometheus", "web")).toMatchObject({ stroke: AMBER, width: "4px" });
      expect(edgeBetween(d, "Ingress shop.example.com/", "web")).toMatchObject({
        stroke: RED,
        width: "2.5px",
        label: "8080: TLS dropped",
      });
      expect(edgeBetween(d, "web", "api")).toMatchObject({ stroke: GREY, width: "1px" });
      expect(edgeBetween(d, "db-external: LoadBalancer :5432 + NodePort", "db")).toMatchObject({
        stroke: RED,
        label: "postgres/5432",
      });
      // No arrow through a node it does not connect, or through the legend; no two nodes on top of each other.
      expect(await overlaps(o.page)).toEqual([]);
      const real = d.nodes.filter((n) => n.label);
      for (const a of real)
        for (const b of real)
          if (a !== b)
            expect(
              a.box.x + a.box.width <= b.box.x ||
                b.box.x + b.box.width <= a.box.x ||
                a.box.y + a.box.height <= b.box.y ||
                b.box.y + b.box.height <= a.box.y,
            ).toBe(true);

      await diagramScreenshot(o.page, join(OUT, "demo-diagram.png"));
      await o.page.context().close();
    });

    it("draws removed paths dashed, unlike added ones", async () => {
      const r = reversedDemo();
      const o = await open(
        browser,
        save("demo-diagram-removed.html", mermaidPage(renderMermaid(r), "The demo pull request undone")),
      );
      const d = await drawn(o.page);
      expectClean(o, d);
      const removed = edgeBetween(d, "Internet", "db")!;
      expect(removed).toMatchObject({ width: "2.5px", label: "postgres/5432" });
      expect(removed.dash).toMatch(/^7(px)?,? 5(px)?$/);
      expect(edgeBetween(d, "prometheus", "web")!.dash).toMatch(/^7(px)?,? 5(px)?$/);
      expect(await overlaps(o.page)).toEqual([]);
      await diagramScreenshot(o.page, join(OUT, "demo-diagram-removed.png"));
      await o.page.context().close();

      // Added and removed side by side (the demo forwards, and backwards): distinct colour and pattern.
      const both = await open(browser, save("demo-diagram-forward.html", mermaidPage(renderMermaid(demoResult()))));
      const forward = edgeBetween(await drawn(both.page), "Internet", "db")!;
      expect(forward.width).not.toBe(removed.width);
      expect(forward.dash).not.toBe(removed.dash);
      expect(forward.marker).not.toBe(removed.marker);
      await both.page.context().close();
    });

    it("shows the HTML report: verdict, risk table, diagram, every detail; offline and under its CSP", async () => {
      const r = demoResult();
      const o = await open(
        browser,
        save("demo-report.html", renderHtml(r, { base: "fixtures/demo/base", head: "fixtures/demo/head" })),
        // Narrower than the diagram, so it is fitted and can be shown at actual size.
        { width: 900, height: 900 },
      );
      const d = await drawn(o.page);
      expectClean(o, d);
      expect(o.requests).toHaveLength(1); // the page itself
      const page = o.page;
      expect(await page.locator("h1").innerText()).toMatch(
        /Critical risk: this PR makes db in namespace shop reachable from the internet on port 5432 \(postgres\)/,
      );
      // One row per root cause, as the comment's table: the load balancer's four findings in one row.
      expect(await page.locator("#risk-table tbody tr").count()).toBe(findingGroups(r.findings).length);
      expect(await page.locator("#risk-table tbody tr").count()).toBe(5);
      expect(await page.locator("#risk-table tbody tr").first().innerText()).toContain(
        "Service db-external in namespace shop added: db becomes reachable from the internet on port 5432 (postgres)",
      );
      expect(await page.locator("#exposure-table tbody tr").count()).toBe(r.exposures.length);
      expect(await page.locator("#reachability-table tbody tr").count()).toBe(r.connections.length);
      expect(await page.locator("#object-table tbody tr").count()).toBe(r.objects.length);
      expect(await page.locator("#delta pre").innerText()).toContain(
        "+ outside 0.0.0.0/0 -> shop/StatefulSet/db TCP 5432",
      );
      expect(d.nodes.map((n) => n.label)).toEqual(expect.arrayContaining(["db", "prometheus"]));
      expect(edgeBetween(d, "Internet", "db")).toMatchObject({ stroke: RED });
      // The CSP is in force: an inline script of the page's own making would not run.
      expect(
        await page.evaluate(() =>
          document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content"),
        ),
      ).toMatch(/default-src 'none'; script-src 'sha256-/);
      await page.screenshot({ path: join(OUT, "demo-report.png"), fullPage: true });

      // Actual size on request.
      const fitted = (await page.locator("#diagram svg").boundingBox())!.width;
      await page.click("#diagram-size");
      expect((await page.locator("#diagram svg").boundingBox())!.width).toBeGreaterThan(fitted);
      expect(o.problems).toEqual([]);
      await page.context().close();
    });

    it("runs nothing a manifest says, whatever the names", async () => {
      const attack = (i: number) => `<img src=x onerror=alert(${i})><script>alert(${i})</script>`;
      const cases = [
        // Valid names; the attack in the host, path, note, blocked-by and file name (labels, tables, links).
        {
          namespace: "shop",
          client: "client",
          server: "server",
          service: "web",
          host: `www.evil.example ${attack(0)}`,
          path: `/${HOSTILE.join("")}`,
          note: `<svg onload=alert(0)> ${HOSTILE.slice(0, 12).join(" ")}`,
          file: `</details>${attack(0)}`,
        },
        // Names the model refuses: the attack in "could not read everything".
        {
          namespace: '"ns',
          client: attack(1),
          server: `${HOSTILE[6]}`,
          service: "end",
          host: attack(1),
          path: "/",
          note: attack(1),
          file: `x${attack(1)}`,
        },
      ];
      for (const [i, t] of cases.entries()) {
        const r = hostileDiff(t);
        const o = await open(
          browser,
          save(
            `hostile-report-${i}.html`,
            renderHtml(r, { base: t.file, head: t.note, repoUrl: "https://github.com/acme/shop", headSha: "abc123" }),
          ),
        );
        const d = await drawn(o.page);
        if (i === 0) expectClean(o, d);
        else {
          expect(o.problems).toEqual([]);
          expect(d.mermaidError).toBe(false);
          expect(await o.page.locator("#diagnostic-table tbody tr").count()).toBeGreaterThan(0);
        }
        expect(await o.page.locator("script").count()).toBe(o.state === null ? 0 : 2);
        expect(await o.page.locator("[onerror], [onload], img, iframe, object, embed, svg svg, form").count()).toBe(0);
        for (const a of await o.page.locator("a").all())
          expect(await a.getAttribute("href")).toMatch(/^https:\/\/github\.com\/acme\/shop\/blob\/abc123\//);
        expect(await o.page.locator("body").innerText()).toContain(`<script>alert(${i})</script>`);
        await o.page.screenshot({ path: join(OUT, `hostile-report-${i}.png`), fullPage: true });
        await o.page.context().close();
      }
    });

    it("draws a renamed workload once in the HTML report, its old name under the new one", async () => {
      const dir = join(ROOT, "fixtures/scenarios/renamed-workloads");
      const r = diff(loadSide(join(dir, "base")), loadSide(join(dir, "head")));
      const o = await open(browser, save("renamed-report.html", renderHtml(r)), { width: 900, height: 900 });
      const d = await drawn(o.page);
      expectClean(o, d);
      // Two lines (a <br> in the drawn label, so no space between them in its text).
      const labels = d.nodes.map((n) => n.label).sort();
      expect(labels).toHaveLength(2);
      expect(labels[0]).toBe("api");
      expect(labels[1]).toMatch(/^ledger-v2\s*was ledger$/);
      expect(d.edges).toHaveLength(1);
      const caption = await o.page.locator("#what-changes figcaption").innerText();
      expect(caption).toMatch(/“was …”: renamed/);
      expect(caption).toMatch(/does not draw the 10 workloads renamed in shop/);
      await o.page.screenshot({ path: join(OUT, "renamed-report.png"), fullPage: true });
      await o.page.context().close();
    });

    it("draws a large change collapsed by namespace", async () => {
      const r = bigDiff(40, 3);
      expect(buildDiagram(r).collapsed).toBe(true);
      const o = await open(browser, save("big-report.html", renderHtml(r)));
      const d = await drawn(o.page);
      expectClean(o, d);
      expect(d.nodes.some((n) => /^namespace team-\d+ · \d+ workloads?( · inside: .+)?$/.test(n.label))).toBe(true);
      expect(await o.page.locator("#what-changes figcaption").innerText()).toMatch(/collapsed by namespace/);
      await o.page.context().close();
    });
  },
);
