// The review as one self-contained HTML page, for a person to open in a browser: the verdict, the
// diagram drawn by Mermaid, the risk table and every detail (exposure and reachability tables, the
// objects that changed, the raw connectivity delta, what could not be read). It renders the same
// DiffResult as the comment (markdown.ts) with the same names (names.ts) and the same diagram
// (mermaid.ts); it computes nothing of its own.
//
// Offline and inert: Mermaid's browser build is read from the installed `mermaid` package and inlined;
// a Content-Security-Policy allows exactly the page's two scripts (by hash) and no network at all.
// Everything that comes from a manifest is HTML-escaped here, and Mermaid runs with
// securityLevel 'strict' (labels sanitised, no click handlers, no links).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DiffResult } from "../rules/judge.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { ExposureChange } from "../analysis/exposure-diff.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import type { Severity } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { Finding } from "../rules/rule.js";
import { headline } from "./diff-text.js";
import { encodePath, safeUrl, sanitize, truncate, wellFormed } from "./escape.js";
import { connectivityDelta } from "./markdown.js";
import { buildDiagram } from "./mermaid.js";
import { entryLabel, exposureService, peer, portsChange, serviceDns, exposureState } from "./names.js";
import { packageVersion } from "./sarif.js";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Untrusted text for HTML content or a quoted attribute: one line, no control or bidi characters, every markup character an entity. */
export function html(raw: string, max = 400): string {
  return truncate(sanitize(String(raw)), max).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Text that keeps its line breaks (for <pre>): every markup character an entity. */
function htmlBlock(raw: string): string {
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
export const MERMAID_CONFIG = {
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
const RENDER_SCRIPT = `(async () => {
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

export interface HtmlOptions {
  /** `https://github.com/owner/repo`: with headSha, file:line references become links. */
  readonly repoUrl?: string;
  readonly headSha?: string;
  /** What was compared, as the person typed it (folders or git refs): shown under the verdict. */
  readonly base?: string;
  readonly head?: string;
}

const plural = (n: number, word: string) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? word : word.endsWith("y") ? `${word.slice(0, -1)}ies` : `${word}s`}`;

function linker(options: HtmlOptions) {
  const repo = safeUrl(options.repoUrl?.replace(/\/+$/, ""));
  const sha = options.headSha && /^[0-9A-Za-z]{1,64}$/.test(options.headSha) ? options.headSha : undefined;
  return (file: string | undefined, line: number | undefined): string => {
    if (!file) return "—";
    const text = `<code>${html(line ? `${file}:${line}` : file, 200)}</code>`;
    return repo && sha
      ? `<a href="${html(`${repo}/blob/${sha}/${encodePath(file)}${line ? `#L${line}` : ""}`, 4000)}" rel="noopener noreferrer">${text}</a>`
      : text;
  };
}
type Link = ReturnType<typeof linker>;

// Colour and word, no emoji: a machine without an emoji font (a CI runner, a server) shows boxes.
const badge = (severity: Severity | "none", text: string = severity) =>
  `<span class="badge sev-${severity}">${text}</span>`;
const changeCell = (change: string) => `<td class="change-${html(change, 20)}">${html(change, 20)}</td>`;

function table(id: string, head: readonly string[], rows: readonly string[]): string {
  return [
    `<table id="${id}">`,
    `<thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...rows,
    "</tbody>",
    "</table>",
  ].join("\n");
}

function findingRow(f: Finding, link: Link): string {
  return `<tr><td>${badge(f.severity)}</td><td><code>${html(f.rule, 80)}</code></td><td>${html(f.message, 1000)}</td><td>${link(f.file, f.line)}</td><td>${html(f.fix, 1000)}</td></tr>`;
}

// The same columns as the comment's exposure table (markdown.ts).
function exposureRow(x: ExposureChange, link: Link): string {
  const e = (x.head ?? x.base)!;
  const svc = exposureService(e);
  const dns = svc ? serviceDns(svc) : undefined;
  const entry = `${html(entryLabel(e), 300)}${dns ? `<br><code>${html(dns, 200)}</code>` : ""}`;
  const state = exposureState(x);
  const from = e.via.internal
    ? `internal network${e.sources.length ? `: ${e.sources.join(", ")}` : ""}`
    : e.sources.join(", ") || "nowhere";
  const notes = state.length ? `<ul>${state.map((s) => `<li>${html(s, 600)}</li>`).join("")}</ul>` : "—";
  return `<tr>${changeCell(x.change)}<td>${entry}</td><td>${html(e.workload, 200)}</td><td>${html(`${e.protocol} ${e.port}`, 40)}</td><td>${html(from, 400)}</td><td>${notes}</td><td>${link(e.file, e.line)}</td></tr>`;
}

function connectionRow(c: ConnectionChange & { causes: readonly ObjectChange[] }, link: Link): string {
  const causes = c.causes.map((o) => `<li>${html(o.id, 200)} ${html(o.change, 20)} (${link(o.file, o.line)})</li>`);
  return `<tr>${changeCell(c.change)}<td>${html(peer(c, "from"), 300)}</td><td>${html(peer(c, "to"), 300)}</td><td>${html(portsChange(c), 300)}</td><td>${causes.length ? `<ul>${causes.join("")}</ul>` : "—"}</td></tr>`;
}

function objectRow(o: ObjectChange, link: Link): string {
  return `<tr>${changeCell(o.change)}<td>${html(o.id, 300)}</td><td>${html(o.kind, 80)}</td><td>${link(o.file, o.line)}</td></tr>`;
}

function diagnosticRow(side: string, d: Diagnostic): string {
  return `<tr><td>${side}</td><td><code>${html(d.line > 0 ? `${d.file}:${d.line}` : d.file, 300)}</code></td><td>${html(d.severity, 20)}</td><td>${html(d.message, 1000)}</td><td>${d.object ? html(d.object, 300) : "—"}</td></tr>`;
}

function page(title: string, body: readonly string[], scripts: readonly string[]): string {
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
function figure(text: string, caption: string[]): string[] {
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

/** The whole report as one HTML document. */
export function renderHtml(r: DiffResult, options: HtmlOptions = {}): string {
  const link = linker(options);
  const verdict = headline(r);
  const body: string[] = ["<header>", `<h1>${badge(r.risk)} ${html(verdict, 1000)}</h1>`];
  if (options.base !== undefined || options.head !== undefined)
    body.push(
      `<p class="sides">base <code>${html(options.base ?? "?", 300)}</code> → head <code>${html(options.head ?? "?", 300)}</code></p>`,
    );
  const counts = new Map<Severity, number>();
  for (const f of r.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  body.push(
    `<p class="summary">${[
      r.findings.length
        ? `<strong>${plural(r.findings.length, "finding")}</strong> ${[...counts].map(([sev, n]) => badge(sev, `${n} ${sev}`)).join(" ")}`
        : "<strong>no findings</strong>",
      plural(r.exposures.length, "exposure change"),
      plural(r.connections.length, "reachability change"),
      `${plural(r.objects.length, "object")} changed`,
    ].join(" · ")}</p>`,
    "</header>",
  );
  for (const n of r.notes) body.push(`<p class="note"><strong>Note:</strong> ${html(n, 1000)}</p>`);

  const scripts: string[] = [];
  if (r.findings.length)
    body.push(
      '<section id="risks">',
      "<h2>Risks</h2>",
      table(
        "risk-table",
        ["Severity", "Rule", "What changed", "Where", "Fix"],
        r.findings.map((f) => findingRow(f, link)),
      ),
      "</section>",
    );

  const d = buildDiagram(r);
  if (!d.empty) {
    body.push(
      '<section id="what-changes">',
      "<h2>What changes</h2>",
      ...figure(d.text, [html(d.caption, 1000), ...d.omitted.map((o) => `Diagram ${html(o, 1000)}.`)].filter(Boolean)),
      "</section>",
    );
    scripts.push(mermaidBundle(), RENDER_SCRIPT);
  }

  if (r.exposures.length)
    body.push(
      '<section id="exposure">',
      "<h2>Exposure changes</h2>",
      table(
        "exposure-table",
        ["Change", "Entry point", "Reaches", "Port", "From", "What changed, notes", "Where"],
        r.exposures.map((x) => exposureRow(x, link)),
      ),
      "</section>",
    );
  if (r.connections.length)
    body.push(
      '<section id="reachability">',
      "<h2>Reachability changes</h2>",
      table(
        "reachability-table",
        ["Change", "From", "To", "Ports", "Because of"],
        r.connections.map((c) => connectionRow(c, link)),
      ),
      "</section>",
    );
  for (const [id, word, list] of [
    ["new-workloads", "New workloads", r.workloads.added],
    ["removed-workloads", "Removed workloads", r.workloads.removed],
  ] as const)
    if (list.length)
      body.push(
        `<section id="${id}">`,
        `<h2>${word}</h2>`,
        `<ul>${list.map((w) => `<li>${html(w, 300)}</li>`).join("")}</ul>`,
        "</section>",
      );
  if (r.objects.length)
    body.push(
      '<section id="objects">',
      "<h2>Objects changed</h2>",
      table(
        "object-table",
        ["Change", "Object", "Kind", "Where"],
        r.objects.map((o) => objectRow(o, link)),
      ),
      "</section>",
    );

  const delta = connectivityDelta(r);
  if (delta.length) {
    const lines = delta.map((l) =>
      l.startsWith("+")
        ? `<span class="add">${htmlBlock(l)}</span>`
        : l.startsWith("-")
          ? `<span class="del">${htmlBlock(l)}</span>`
          : htmlBlock(l),
    );
    body.push(
      '<section id="delta">',
      `<h2>Connectivity delta</h2>`,
      `<p class="summary">Every connection that differs, as a diff of the sorted lists (${plural(delta.length, "line")}).</p>`,
      `<pre class="delta">${lines.join("\n")}</pre>`,
      "</section>",
    );
  }

  const diagnostics = [
    ...r.diagnostics.base.map((x) => diagnosticRow("base", x)),
    ...r.diagnostics.head.map((x) => diagnosticRow("head", x)),
  ];
  if (diagnostics.length)
    body.push(
      '<section id="unread">',
      "<h2>Could not read everything</h2>",
      table("diagnostic-table", ["Side", "Where", "Severity", "Problem", "Object"], diagnostics),
      "</section>",
    );
  if (r.risk === "none" && !r.connections.length && !r.exposures.length)
    body.push(
      `<p>${r.objects.length ? `${plural(r.objects.length, "object")} changed; none of them changes who can reach what.` : "No manifest object that matters for exposure or reachability changed."}</p>`,
    );

  const s = r.stats;
  body.push(
    `<footer>reachdiff ${html(packageVersion(), 40)} · base: ${plural(s.base.workloads, "workload")}, ${plural(s.base.services, "Service")}, ${plural(s.base.networkPolicies, "NetworkPolicy")} · head: ${plural(s.head.workloads, "workload")}, ${plural(s.head.services, "Service")}, ${plural(s.head.networkPolicies, "NetworkPolicy")} · a self-contained page: nothing is fetched.</footer>`,
  );
  return page(`reachdiff: ${html(verdict, 300)}`, body, scripts);
}
