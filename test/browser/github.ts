// The pull-request comment drawn the way GitHub draws it: GitHub-flavoured Markdown (marked, GFM),
// GitHub's Markdown CSS (github-markdown-css, light or dark), a body 746 px wide (a comment on a
// pull request's conversation page), and each Mermaid block drawn by the real Mermaid in the theme
// GitHub uses (default or dark) and fitted to the body (max-width 100%). Then measured as a reviewer
// meets it: label sizes on screen, table widths, headline lines, edge widths and contrast.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Marked } from "marked";
import type { Page } from "playwright-core";
import { mermaidBundle } from "../../src/report/html-page.js";

export type Theme = "light" | "dark";
/** GitHub's page backgrounds. */
export const BACKGROUND: Record<Theme, string> = { light: "#ffffff", dark: "#0d1117" };
/** The Markdown body of a comment on a pull request's conversation page. */
export const BODY_WIDTH = 746;

const css = (theme: Theme) =>
  readFileSync(
    join(
      dirname(createRequire(import.meta.url).resolve("github-markdown-css/package.json")),
      `github-markdown-${theme}.css`,
    ),
    "utf8",
  );

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Draws every ```mermaid block where it stands, as GitHub does, and says when it is done.
const RENDER = (theme: Theme) => `
(async () => {
  const blocks = [...document.querySelectorAll("pre > code.language-mermaid")];
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: ${JSON.stringify(theme === "dark" ? "dark" : "default")} });
  let i = 0;
  try {
    for (const code of blocks) {
      const { svg } = await mermaid.render("mermaid-" + ++i, code.textContent);
      const box = document.createElement("div");
      box.className = "mermaid-box";
      box.innerHTML = svg;
      code.parentElement.replaceWith(box);
    }
    document.body.dataset.state = "rendered";
  } catch (e) {
    console.error("mermaid: " + (e && e.message));
    document.body.dataset.state = "error";
  }
})();`;

/** A page with the Markdown drawn as GitHub draws a comment. */
export function githubPage(markdown: string, theme: Theme, title = "comment"): string {
  const marked = new Marked({ gfm: true });
  const body = marked.parse(markdown, { async: false }) as string;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${css(theme)}</style>
<style>
  html, body { margin: 0; background: ${BACKGROUND[theme]}; }
  .frame { padding: 16px; width: ${BODY_WIDTH}px; }
  .markdown-body { box-sizing: content-box; width: ${BODY_WIDTH}px; padding: 0; }
  .mermaid-box { margin-bottom: 16px; }
  .mermaid-box svg { max-width: 100%; height: auto; }
</style></head>
<body data-state="pending"><div class="frame"><article class="markdown-body">${body}</article></div>
<script>${mermaidBundle()}</script>
<script>${RENDER(theme)}</script>
</body></html>`;
}

export interface Measured {
  readonly state: string;
  /** The rendered height of the comment body (every <details> closed), px. */
  readonly height: number;
  readonly bodyWidth: number;
  /** Tables (every <details> opened) whose content is wider than the body (GitHub scrolls them sideways). */
  readonly wideTables: readonly { readonly width: number; readonly header: string }[];
  /** Lines of the first block of the comment (the headline). */
  readonly headlineLines: number;
  readonly headline: string;
  readonly diagrams: readonly {
    /** Drawn width / the diagram's own width. */
    readonly scale: number;
    readonly width: number;
    readonly height: number;
    /** The smallest label on screen, px, and its text. */
    readonly smallest: { readonly px: number; readonly text: string };
    /** Every edge by its data-id (L_from_to_k), with its stroke on screen. */
    readonly edges: readonly {
      readonly id: string;
      readonly stroke: string;
      readonly opacity: number;
      readonly width: number;
    }[];
  }[];
}

/** Measures a rendered githubPage. */
export async function measure(page: Page): Promise<Measured> {
  await page.waitForSelector('body:not([data-state="pending"])', { timeout: 60_000 });
  return page.evaluate(() => {
    const article = document.querySelector(".markdown-body") as HTMLElement;
    const first = article.firstElementChild as HTMLElement;
    const range = document.createRange();
    range.selectNodeContents(first);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
    const height = article.getBoundingClientRect().height;
    // Tables as a reviewer sees them after opening every <details> (closed again afterwards, for screenshots).
    const closed = [...article.querySelectorAll("details")].filter((d) => !d.open);
    for (const d of closed) d.open = true;
    const wideTables = [...article.querySelectorAll("table")]
      .filter(
        (t) =>
          t.scrollWidth > article.clientWidth ||
          t.scrollWidth > t.clientWidth + 1 ||
          t.getBoundingClientRect().width > article.clientWidth + 1,
      )
      .map((t) => ({ width: t.scrollWidth, header: (t.querySelector("tr")?.textContent ?? "").trim().slice(0, 80) }));
    for (const d of closed) d.open = false;
    const diagrams = [...article.querySelectorAll(".mermaid-box svg")].map((svg) => {
      const s = svg as SVGSVGElement;
      const box = s.getBoundingClientRect();
      const scale = box.width / s.viewBox.baseVal.width;
      let smallest = { px: Number.POSITIVE_INFINITY, text: "" };
      for (const el of s.querySelectorAll(".nodeLabel, .edgeLabel span, .cluster-label span, text")) {
        const text = (el.textContent ?? "").trim();
        if (!text || el.getBoundingClientRect().width === 0) continue;
        const px = Number.parseFloat(getComputedStyle(el).fontSize) * scale;
        if (px < smallest.px) smallest = { px, text };
      }
      const edges = [...s.querySelectorAll("path[data-edge]")].map((p) => {
        const cs = getComputedStyle(p);
        return {
          id: p.getAttribute("data-id") ?? "",
          stroke: cs.stroke,
          opacity: Number.parseFloat(cs.strokeOpacity || "1") * Number.parseFloat(cs.opacity || "1"),
          width: Number.parseFloat(cs.strokeWidth) * scale,
        };
      });
      return { scale, width: box.width, height: box.height, smallest, edges };
    });
    return {
      state: document.body.dataset.state ?? "",
      height,
      bodyWidth: article.clientWidth,
      wideTables,
      headlineLines: tops.size,
      headline: (first.textContent ?? "").trim(),
      diagrams,
    };
  });
}

/** `rgb(r, g, b)` or `#rrggbb` -> [r, g, b]. */
function rgb(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [1, 2, 3].map((i) => Number.parseInt(hex[i], 16)) as [number, number, number];
  const m = /rgba?\(\s*(\d+)[, ]\s*(\d+)[, ]\s*(\d+)/.exec(colour);
  if (!m) throw new Error(`not a colour: ${colour}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** WCAG 2 contrast ratio of a stroke (blended over the background by its opacity) against the background. */
export function contrast(stroke: string, opacity: number, background: string): number {
  const bg = rgb(background);
  const fg = rgb(stroke).map((c, i) => c * opacity + bg[i] * (1 - opacity));
  const lum = (c: number[]) => {
    const [r, g, b] = c.map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
