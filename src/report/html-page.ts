// The shell of every HTML page Reachdiff writes: escaping for untrusted text, Mermaid's browser build
// inlined with the script that draws the diagram, a Content-Security-Policy that allows exactly the
// page's scripts (by hash) and no network, and the page's style. The report's content is html.ts.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { sanitize, truncate, wellFormed } from "./escape.js";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Untrusted text for HTML content or a quoted attribute: one line, no control or bidi characters, every markup character an entity. */
export function html(raw: string, max = 400): string {
  return truncate(sanitize(String(raw)), max).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Text that keeps its line breaks (for <pre>): every markup character an entity. */
export function htmlBlock(raw: string): string {
  return wellFormed(raw).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JavaScript for an inline <script>: nothing in it can end the element (`</script`) or switch the
 * HTML parser into its escaped states (`<!--`). Both only ever occur inside strings, regular
 * expressions and comments, where `<\/` and `\u0021` mean the same.
 */
export function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\u0021--");
}

/** Mermaid's browser build is not installed (it comes with reachdiff's development dependencies). */
export class MermaidBundleMissing extends Error {}

let bundle: string | undefined;

/** Mermaid's browser build (dist/mermaid.min.js of the installed package), ready to inline. */
export function mermaidBundle(): string {
  if (bundle !== undefined) return bundle;
  let file: string;
  try {
    file = join(dirname(createRequire(import.meta.url).resolve("mermaid/package.json")), "dist", "mermaid.min.js");
  } catch {
    throw new MermaidBundleMissing(
      "the html format needs the mermaid package (a development dependency of reachdiff): run npm ci in the reachdiff checkout, or npm install mermaid",
    );
  }
  if (!existsSync(file))
    throw new MermaidBundleMissing(`the html format needs Mermaid's browser build, and ${file} is missing`);
  bundle = inlineScript(readFileSync(file, "utf8"));
  return bundle;
}

/** Mermaid's settings in every page: strict security, nothing loaded, errors reported by the page itself. */
const MERMAID_CONFIG = {
  startOnLoad: false,
  securityLevel: "strict",
  theme: "default",
  suppressErrorRendering: true,
  flowchart: { useMaxWidth: true },
} as const;

/**
 * Draws the Mermaid source in #diagram-source into #diagram; the outcome is #diagram's data-state
 * (rendered / error), for a person and for the browser tests.
 */
export const RENDER_SCRIPT = `(async () => {
  const target = document.getElementById("diagram");
  const source = document.getElementById("diagram-source");
  if (!target || !source) return;
  try {
    mermaid.initialize(${JSON.stringify(MERMAID_CONFIG)});
    const { svg } = await mermaid.render("diagram-svg", source.textContent);
    target.innerHTML = svg;
    target.dataset.state = "rendered";
    // Fitted to the window by default; actual size (scrolling) on request.
    const drawn = target.querySelector("svg");
    const button = document.getElementById("diagram-size");
    const width = drawn && drawn.viewBox && drawn.viewBox.baseVal ? drawn.viewBox.baseVal.width : 0;
    if (drawn && button && width > target.clientWidth) {
      button.hidden = false;
      button.addEventListener("click", () => {
        const actual = target.classList.toggle("actual-size");
        if (actual) drawn.setAttribute("width", String(width));
        else drawn.setAttribute("width", "100%");
        button.textContent = actual ? "Fit to the window" : "Show at actual size";
      });
    }
  } catch (e) {
    target.dataset.state = "error";
    target.textContent = "The diagram could not be drawn: " + String((e && e.message) || e) + " (its Mermaid source is below).";
    console.error("reachdiff: the diagram could not be drawn", e);
  }
})();`;

const hash = (script: string) => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;

/** The policy of every page: only its own scripts run, nothing is fetched, nothing is submitted. */
function contentSecurityPolicy(scripts: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.length ? scripts.map(hash).join(" ") : "'none'"}`,
    // Mermaid writes <style> elements and style attributes into its SVG.
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 22px; line-height: 1.3; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sides, .summary, footer, figcaption { color: var(--muted); }
.sides code { color: var(--fg); }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td[class^="change-"] { white-space: nowrap; }
td ul { margin: 0; padding-left: 18px; }
th { background: var(--soft); font-weight: 600; }
tbody tr:nth-child(even) { background: #fbfcfd; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.sev-critical { background: #ffebe9; color: #a40e26; border-color: #ff818266; }
.sev-high { background: #fff1e5; color: #9a3b00; border-color: #fb8f4466; }
.sev-medium { background: #fff8c5; color: #7d4e00; border-color: #d4a72c66; }
.sev-low { background: #ddf4ff; color: #0a3069; border-color: #54aeff66; }
.sev-info, .sev-none { background: var(--soft); color: var(--muted); border-color: var(--line); }
.change-added { color: #1a7f37; font-weight: 600; }
.change-removed { color: #cf222e; font-weight: 600; }
.change-changed { color: #9a6700; font-weight: 600; }
figure { margin: 8px 0; }
#diagram { border: 1px solid var(--line); border-radius: 6px; padding: 16px; overflow: auto; background: #fff; }
#diagram svg { display: block; margin: 0 auto; height: auto; }
#diagram.actual-size svg { max-width: none !important; }
.tools { margin: 4px 0; }
.tools button { font: inherit; font-size: 12px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; }
#diagram[data-state="error"] { color: #a40e26; background: #ffebe9; }
.delta .add { color: #1a7f37; }
.delta .del { color: #cf222e; }
.note { border-left: 4px solid #0969da; background: #ddf4ff66; padding: 8px 12px; margin: 8px 0; }
details > summary { cursor: pointer; color: var(--muted); margin: 8px 0; }
footer { margin-top: 40px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 12px; }
`;

export function page(title: string, body: readonly string[], scripts: readonly string[]): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scripts)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body,
    ...scripts.map((s) => `<script>${s}</script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** The diagram's figure: Mermaid draws the source into #diagram; the source stays readable below it. */
export function figure(text: string, caption: string[]): string[] {
  return [
    "<figure>",
    '<div class="tools"><button type="button" id="diagram-size" hidden>Show at actual size</button></div>',
    '<div id="diagram" data-state="pending">Drawing the diagram…</div>',
    ...(caption.length ? [`<figcaption>${caption.join(" ")}</figcaption>`] : []),
    "</figure>",
    `<details><summary>Mermaid source</summary><pre id="diagram-source">${htmlBlock(text)}</pre></details>`,
  ];
}

/** A page with just one Mermaid diagram (the `--format mermaid` text), drawn the way the report draws it. */
export function mermaidPage(text: string, title = "reachdiff diagram"): string {
  return page(
    html(title, 200),
    [`<h1>${html(title, 200)}</h1>`, ...figure(text, [])],
    [mermaidBundle(), RENDER_SCRIPT],
  );
}
