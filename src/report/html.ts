// The review as one self-contained HTML page, for a person to open in a browser: the verdict, the
// diagram drawn by Mermaid, the risk table and every detail (exposure and reachability tables, the
// objects that changed, the raw connectivity delta, what could not be read). It renders the same
// DiffResult as the comment (markdown.ts) with the same names (names.ts), the same findings rows by root
// cause in plain words (finding-groups.ts) and the same diagram (mermaid.ts); it computes nothing of its own.
//
// Offline and inert (the page shell, html-page.ts): Mermaid's browser build is inlined; a
// Content-Security-Policy allows exactly the page's two scripts (by hash) and no network at all.
// Everything that comes from a manifest is HTML-escaped here, and Mermaid runs with
// securityLevel 'strict' (labels sanitised, no click handlers, no links).
import type { DiffResult } from "../rules/judge.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { ExposureChange } from "../analysis/exposure-diff.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import type { Rename } from "../analysis/renames.js";
import type { Severity } from "../config/schema.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import type { Finding } from "../rules/rule.js";
import { headline } from "./diff-text.js";
import { findingGroups, groupWords } from "./finding-groups.js";
import { encodePath, safeUrl } from "./escape.js";
import { figure, html, htmlBlock, mermaidBundle, page, RENDER_SCRIPT } from "./html-page.js";
import { connectivityDelta } from "./markdown.js";
import { buildDiagram } from "./mermaid.js";
import { entryLabel, exposureService, peer, portsChange, serviceDns, exposureState } from "./names.js";
import { renamesInOrder } from "./renames-words.js";
import { packageVersion } from "../manifests/package-version.js";

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

// One row per root cause, in plain words, as the comment's table (finding-groups.ts); the rules and their
// fixes beside it, each once.
function findingRow(group: readonly Finding[], r: DiffResult, link: Link): string {
  const f = group[0];
  const { cause, first, also } = groupWords(r, group);
  const lead = cause ? `<strong>${html(cause.words, 300)}</strong> ${html(cause.object.change, 20)}: ` : "";
  const more = also.map((g) => `<br>also ${badge(g.finding.severity)} ${html(g.words, 1000)}`).join("");
  const rules = [...new Set(group.map((g) => g.rule))].map((id) => `<code>${html(id, 80)}</code>`);
  const fixes = [...new Set(group.map((g) => g.fix))].map((x) => html(x, 1000));
  return `<tr><td>${badge(f.severity)}</td><td>${rules.join("<br>")}</td><td>${lead}${html(first, 1000)}${more}</td><td>${link(f.file, f.line)}</td><td>${fixes.length > 1 ? `<ul>${fixes.map((x) => `<li>${x}</li>`).join("")}</ul>` : fixes[0]}</td></tr>`;
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

function renameRow(x: Rename, link: Link): string {
  const changed = x.changed ? `${x.changed.toLocaleString("en-US")} (in the reachability table)` : "none";
  return `<tr><td>${html(x.from, 300)}</td><td>${html(x.to, 300)}${x.environment === undefined ? "" : ` (${html(x.environment, 200)})`}</td><td>${x.same.toLocaleString("en-US")}</td><td>${changed}</td><td>${link(x.file, x.line)}</td></tr>`;
}

function objectRow(o: ObjectChange, link: Link): string {
  return `<tr>${changeCell(o.change)}<td>${html(o.id, 300)}</td><td>${html(o.kind, 80)}</td><td>${link(o.file, o.line)}</td></tr>`;
}

function diagnosticRow(side: string, d: Diagnostic): string {
  return `<tr><td>${side}</td><td><code>${html(d.line > 0 ? `${d.file}:${d.line}` : d.file, 300)}</code></td><td>${html(d.severity, 20)}</td><td>${html(d.message, 1000)}</td><td>${d.object ? html(d.object, 300) : "—"}</td></tr>`;
}

/** A section of the page: its anchor, heading and content. */
const section = (id: string, title: string, ...content: string[]) => [
  `<section id="${id}">`,
  `<h2>${title}</h2>`,
  ...content,
  "</section>",
];

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
  // A renamed workload is one row of its own table, not its connections removed and added: the
  // reachability table lists what is left once the connections the same under the new name are set aside.
  const renames = r.renames?.list ?? [];
  const listed = r.renames?.connections ?? r.connections;
  const exposures = r.renames?.exposures ?? r.exposures;
  body.push(
    `<p class="summary">${[
      r.findings.length
        ? `<strong>${plural(r.findings.length, "finding")}</strong> ${[...counts].map(([sev, n]) => badge(sev, `${n} ${sev}`)).join(" ")}`
        : "<strong>no findings</strong>",
      plural(exposures.length, "exposure change"),
      plural(listed.length, "reachability change"),
      ...(renames.length ? [`${plural(renames.length, "workload")} renamed`] : []),
      `${plural(r.objects.length, "object")} changed`,
    ].join(" · ")}</p>`,
    "</header>",
  );
  for (const n of r.notes) body.push(`<p class="note"><strong>Note:</strong> ${html(n, 1000)}</p>`);

  const scripts: string[] = [];
  if (r.findings.length)
    body.push(
      ...section(
        "risks",
        "Risks",
        table(
          "risk-table",
          ["Severity", "Rule", "What changed", "Where", "Fix"],
          findingGroups(r.findings).map((g) => findingRow(g, r, link)),
        ),
      ),
    );

  const d = buildDiagram(r);
  if (!d.empty) {
    body.push(
      ...section(
        "what-changes",
        "What changes",
        ...figure(
          d.text,
          [html(d.caption, 1000), ...d.omitted.map((o) => `Diagram ${html(o, 1000)}.`)].filter(Boolean),
        ),
      ),
    );
    scripts.push(mermaidBundle(), RENDER_SCRIPT);
  }

  if (exposures.length)
    body.push(
      ...section(
        "exposure",
        "Exposure changes",
        table(
          "exposure-table",
          ["Change", "Entry point", "Reaches", "Port", "From", "What changed, notes", "Where"],
          exposures.map((x) => exposureRow(x, link)),
        ),
      ),
    );
  if (renames.length)
    body.push(
      ...section(
        "renames",
        "Renamed workloads",
        table(
          "rename-table",
          ["From", "To", "Connections the same", "Changed", "Where"],
          renamesInOrder(renames).map((x) => renameRow(x, link)),
        ),
      ),
    );
  if (listed.length)
    body.push(
      ...section(
        "reachability",
        "Reachability changes",
        table(
          "reachability-table",
          ["Change", "From", "To", "Ports", "Because of"],
          listed.map((c) => connectionRow(c, link)),
        ),
      ),
    );
  // The renamed workloads are in their own table (with several environments, an id renamed in one is left out here).
  const renamed = new Set(renames.flatMap((x) => [x.from, x.to]));
  for (const [id, word, list] of [
    ["new-workloads", "New workloads", r.workloads.added.filter((w) => !renamed.has(w))],
    ["removed-workloads", "Removed workloads", r.workloads.removed.filter((w) => !renamed.has(w))],
  ] as const)
    if (list.length)
      body.push(...section(id, word, `<ul>${list.map((w) => `<li>${html(w, 300)}</li>`).join("")}</ul>`));
  if (r.objects.length)
    body.push(
      ...section(
        "objects",
        "Objects changed",
        table(
          "object-table",
          ["Change", "Object", "Kind", "Where"],
          r.objects.map((o) => objectRow(o, link)),
        ),
      ),
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
      ...section(
        "delta",
        "Connectivity delta",
        `<p class="summary">Every connection that differs, as a diff of the sorted lists (${plural(delta.length, "line")})${renames.length ? `, the connections of renamed workloads that are the same under the new name included` : ""}.</p>`,
        `<pre class="delta">${lines.join("\n")}</pre>`,
      ),
    );
  }

  const diagnostics = [
    ...r.diagnostics.base.map((x) => diagnosticRow("base", x)),
    ...r.diagnostics.head.map((x) => diagnosticRow("head", x)),
  ];
  if (diagnostics.length)
    body.push(
      ...section(
        "unread",
        "Could not read everything",
        table("diagnostic-table", ["Side", "Where", "Severity", "Problem", "Object"], diagnostics),
      ),
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
