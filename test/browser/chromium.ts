// Headless Chromium for the browser tests: the system's browser (Debian's `chromium` package), never
// a downloaded one, offline, and every page watched for errors, Mermaid's error diagram and requests.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "../helpers/report.js";

const CHROMIUM = process.env.REACHDIFF_CHROMIUM || "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_REASON = `${CHROMIUM} not found: the browser tests need Chromium (Debian/Ubuntu: apt-get install chromium; or set REACHDIFF_CHROMIUM to a Chromium binary)`;

/** Pages and screenshots for a person to look at (gitignored). */
export const OUT = join(ROOT, "test-output");

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Writes a page to test-output/ and returns its path. */
export function save(name: string, html: string): string {
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, name);
  writeFileSync(file, html);
  return file;
}

export interface Opened {
  readonly page: Page;
  /** Uncaught exceptions, console errors (CSP violations among them) and dialogs (alert, ...). */
  readonly problems: string[];
  /** Every URL the page asked for. */
  readonly requests: string[];
  /** The diagram's outcome: #diagram's data-state, or null when the page has no diagram. */
  readonly state: string | null;
}

/** Opens a page offline and waits until its diagram is drawn (or has failed). */
export async function open(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<Opened> {
  const context = await browser.newContext({ offline: true, viewport, javaScriptEnabled: true });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  const hasDiagram = (await page.locator("#diagram").count()) > 0;
  if (hasDiagram) await page.waitForSelector('#diagram:not([data-state="pending"])', { timeout: 60_000 });
  return { page, problems, requests, state: hasDiagram ? await page.getAttribute("#diagram", "data-state") : null };
}

export interface DrawnNode {
  readonly id: string;
  readonly label: string;
  readonly box: { x: number; y: number; width: number; height: number };
}

export interface DrawnEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly stroke: string;
  readonly width: string;
  readonly dash: string;
  readonly marker: string;
}

export interface Drawn {
  readonly svg: boolean;
  /** Mermaid's own error diagram, or its "Syntax error" text, anywhere in the page. */
  readonly mermaidError: boolean;
  readonly viewBox: { width: number; height: number } | null;
  readonly nodes: readonly DrawnNode[];
  readonly clusters: readonly DrawnNode[];
  readonly edges: readonly DrawnEdge[];
}

/** What Mermaid drew into #diagram: nodes and clusters by label, edges with their computed style. */
export async function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => {
    const svg = document.querySelector("#diagram svg") as SVGSVGElement | null;
    const text = document.body.innerText;
    const mermaidError =
      !!document.querySelector(".error-icon, .error-text") || /Syntax error/i.test(text) || /Parse error/i.test(text);
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const label = (el: Element) =>
      (el.querySelector(".nodeLabel, .cluster-label, text") as HTMLElement | null)?.textContent?.trim() ?? "";
    if (!svg) return { svg: false, mermaidError, viewBox: null, nodes: [], clusters: [], edges: [] };
    const nodes = [...svg.querySelectorAll("g.node")].map((g) => ({
      id: /flowchart-([^-]+)-\d+$/.exec(g.id)?.[1] ?? g.id,
      label: label(g),
      box: box(g),
    }));
    const clusters = [...svg.querySelectorAll("g.cluster")].map((g) => ({ id: g.id, label: label(g), box: box(g) }));
    const edgeLabels = new Map(
      [...svg.querySelectorAll(".edgeLabel .label[data-id]")].map((l) => [
        l.getAttribute("data-id"),
        (l.textContent ?? "").trim(),
      ]),
    );
    const edges = [...svg.querySelectorAll("path[data-edge]")].map((p) => {
      const id = p.getAttribute("data-id") ?? "";
      const m = /^L_(.+?)_(.+)_\d+$/.exec(id);
      const cs = getComputedStyle(p);
      return {
        from: m?.[1] ?? "",
        to: m?.[2] ?? "",
        label: edgeLabels.get(id) ?? "",
        stroke: cs.stroke,
        width: cs.strokeWidth,
        dash: cs.strokeDasharray,
        marker: p.getAttribute("marker-end") ?? "",
      };
    });
    return {
      svg: true,
      mermaidError,
      viewBox: svg.viewBox?.baseVal ? { width: svg.viewBox.baseVal.width, height: svg.viewBox.baseVal.height } : null,
      nodes,
      clusters,
      edges,
    };
  });
}

/** A screenshot of the diagram at its natural size (the viewport widened to fit it). */
export async function diagramScreenshot(page: Page, file: string): Promise<void> {
  const size = await page.evaluate(() => {
    const b = (document.querySelector("#diagram svg") as SVGSVGElement).viewBox.baseVal;
    return { width: Math.ceil(b.width), height: Math.ceil(b.height) };
  });
  await page.setViewportSize({ width: Math.max(800, size.width + 120), height: Math.max(600, size.height + 300) });
  await page.locator("#diagram").screenshot({ path: file });
}

export interface Overlap {
  readonly edge: string;
  readonly through: string;
}

/**
 * Edges drawn through something they do not connect: a node (other than their own two ends) or the
 * legend. Each path is sampled every few pixels; a node's box is shrunk by a margin, so an arrow that
 * only grazes a corner does not count.
 */
export async function overlaps(page: Page, margin = 4): Promise<Overlap[]> {
  return page.evaluate((margin) => {
    const svg = document.querySelector("#diagram svg") as SVGSVGElement;
    const toScreen = (p: SVGGeometryElement, pt: DOMPoint) => pt.matrixTransform(p.getScreenCTM()!);
    const boxes: { id: string; label: string; r: DOMRect }[] = [];
    for (const g of svg.querySelectorAll("g.node")) {
      const id = /flowchart-([^-]+)-\d+$/.exec(g.id)?.[1] ?? g.id;
      const label = (g.textContent ?? "").trim();
      if (!label) continue; // the legend's invisible boxes
      boxes.push({ id, label, r: g.getBoundingClientRect() });
    }
    for (const g of svg.querySelectorAll("g.cluster")) {
      const label = (g.textContent ?? "").trim();
      if (label === "Legend")
        boxes.push({ id: "legend", label, r: (g.querySelector("rect") ?? g).getBoundingClientRect() });
    }
    const out: { edge: string; through: string }[] = [];
    for (const p of svg.querySelectorAll("path[data-edge]") as NodeListOf<SVGPathElement>) {
      const id = p.getAttribute("data-id") ?? "";
      const m = /^L_(.+?)_(.+)_\d+$/.exec(id);
      if (!m || m[1].startsWith("l")) continue; // the legend's own arrows
      const ends = new Set([m[1], m[2]]);
      const length = p.getTotalLength();
      const hit = new Set<string>();
      for (let s = 0; s <= length; s += 3) {
        const pt = toScreen(p, p.getPointAtLength(s));
        for (const b of boxes) {
          if (ends.has(b.id) || hit.has(b.label)) continue;
          if (
            pt.x > b.r.left + margin &&
            pt.x < b.r.right - margin &&
            pt.y > b.r.top + margin &&
            pt.y < b.r.bottom - margin
          )
            hit.add(b.label);
        }
      }
      for (const h of hit) out.push({ edge: id, through: h });
    }
    return out;
  }, margin);
}
