// Escaping of untrusted text (anything read from a manifest: names, hosts, paths, annotations,
// messages) for the three places the review puts it: Markdown prose and table cells, Mermaid labels,
// and fenced code blocks. Nothing from a manifest may add markup, links, mentions or diagram syntax.

const ZWJ = "\u200D";

/** Lone surrogates (which no encoder accepts) become U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** Control characters, bidi overrides/isolates and lone surrogates become spaces / U+FFFD; runs of whitespace collapse. */
export function sanitize(raw: string): string {
  return wellFormed(String(raw))
    .replace(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** At most `max` code points, with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const points = [...s];
  return points.length <= max ? s : `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

const MD_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "|": "\\|",
  "\\": "\\\\",
  "`": "\\`",
  "*": "\\*",
  _: "\\_",
  "[": "\\[",
  "]": "\\]",
  "(": "\\(",
  ")": "\\)",
  "~": "\\~",
  "!": "\\!",
  "#": "\\#",
  $: "\\$",
};

const MD_SPECIAL = /[&<>|\\`*_[\]()~!#$]/g;

/**
 * Untrusted text for Markdown prose or a table cell: one line, no markup, no HTML, no entity,
 * no @mention, #reference or autolink. `max` bounds its length (in code points, before escaping).
 */
export function md(raw: string, max = 200): string {
  const s = truncate(sanitize(raw), max)
    // Break GitHub's autolinking of mentions, issue references and URLs with a zero-width joiner.
    .replace(/@/g, `@${ZWJ}`)
    .replace(/#(?=[\w-])/g, `#${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}${ZWJ}.`);
  // Callers never start a line with it, so list and heading markers need no escaping.
  return s.replace(MD_SPECIAL, (ch) => MD_ESCAPES[ch]);
}

const MERMAID_ENTITIES: Record<string, string> = {
  '"': "#quot;",
  "#": "#35;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
  "|": "#124;",
  "%": "#37;",
  "\\": "#92;",
  "{": "#123;",
  "}": "#125;",
  ";": "#59;",
  "[": "#91;",
  "]": "#93;",
  "(": "#40;",
  ")": "#41;",
  "@": "#64;",
  "*": "#42;",
  _: "#95;",
  "~": "#126;",
};

const MERMAID_SPECIAL = new RegExp(
  `[${Object.keys(MERMAID_ENTITIES)
    .map((c) => `\\${c}`)
    .join("")}]`,
  "g",
);

/**
 * Untrusted text for inside a double-quoted Mermaid label: every character that means something to
 * Mermaid, to its Markdown-string mode or to the Markdown fence around it becomes an entity code.
 */
export function mermaidText(raw: string, max = 60): string {
  const s = truncate(sanitize(raw), max);
  // `1. x` could be read as a Markdown list inside a label.
  return s.replace(MERMAID_SPECIAL, (ch) => MERMAID_ENTITIES[ch]).replace(/^(\d+)\./, "$1#46;");
}

/** A backtick fence longer than any run of backticks in `body`, so the body can never close it. */
export function fenceFor(body: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** One line of a code block: untrusted text with no line breaks or control characters. */
export function codeLine(raw: string, max = 400): string {
  return truncate(sanitize(raw), max);
}

/** Bytes of UTF-8, the unit GitHub's comment limit is safely counted in. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function cutToBytes(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = "";
  let used = 0;
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

/** A file path for a URL: each segment percent-encoded, including the characters Markdown links care about. */
export function encodePath(file: string): string {
  return wellFormed(file)
    .split("/")
    .map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

/** An http(s) URL that is safe to put in a Markdown link destination, or undefined. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\/[^\s()<>"'`\\]+$/.test(url) ? url : undefined;
}
