// The one place where the GitHub side meets parts of the core that are still being written. Each
// export is a one-line switch: when src/report/markdown.ts lands, `renderComment` and `parseMarker`
// come from there; when src/analysis/exposure.ts lands, `exposureFn` does. Nothing here knows GitHub.
import type { DiffResult, ExposureFn } from "../analysis/analyze.js";
import { exposureOf } from "../analysis/exposure-of.js";
import { diffText } from "../report/diff-text.js";

export const exposureFn: ExposureFn = exposureOf;

export interface CommentOptions {
  readonly repoUrl?: string;
  readonly headSha?: string;
  readonly reportUrl?: string;
  readonly maxBytes: number;
}

/** The hidden first line that finds our sticky comment again and says which commit it describes. */
export const markerLine = (headSha?: string): string => `<!-- reachdiff:v1 head=${headSha ?? "unknown"} -->`;

/** Reads the marker back: null when the body is not one of our comments. */
export function parseMarker(body: string): { head?: string } | null {
  const first = body.split("\n", 1)[0].trim();
  const m = /^<!-- reachdiff:v1(?: head=([0-9a-f]{7,64}|unknown))?[^>]*-->$/.exec(first);
  if (!m) return null;
  return m[1] && m[1] !== "unknown" ? { head: m[1] } : {};
}

// Fallback renderer until src/report/markdown.ts lands: the terminal report in a code block.
export function renderComment(result: DiffResult, options: CommentOptions): string {
  const fence = "````";
  const text = diffText(result).replaceAll(fence, "` ` ` `");
  const at = options.headSha ? ` as of ${options.headSha.slice(0, 7)}` : "";
  const link = options.reportUrl ? `\n[Full report](${options.reportUrl})\n` : "";
  let body = `${markerLine(options.headSha)}\n### Reachdiff${at}\n\n${fence}text\n${text}${fence}\n${link}`;
  if (Buffer.byteLength(body) > options.maxBytes) {
    const cut = "\n…(truncated to fit a GitHub comment)\n";
    const room = options.maxBytes - Buffer.byteLength(cut) - 200;
    body = `${markerLine(options.headSha)}\n### Reachdiff${at}\n\n${fence}text\n${Buffer.from(text).subarray(0, Math.max(0, room)).toString("utf8").replace(/\uFFFD*$/, "")}${cut}${fence}\n${link}`;
  }
  return body;
}
