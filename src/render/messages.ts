// Turns what a render tool printed on failure into one readable line: kubectl's klog wrapping and
// kustomize's or helm's "Error:" prefix removed, private folder names replaced, length bounded.
import type { JobResult } from "./run.js";

const MAX_MESSAGE = 600;

function unwrapKlog(text: string): string {
  // kubectl: E1124 10:51:45.441515 19967 run.go:72] "command failed" err="..."   or   err=<\n\t...\n >
  const quoted = /err="((?:[^"\\]|\\.)*)"/.exec(text);
  if (quoted) {
    try {
      return JSON.parse(`"${quoted[1]}"`) as string;
    } catch {
      return quoted[1];
    }
  }
  const block = /err=<\n([\s\S]*?)\n\s*>/.exec(text);
  if (block) return block[1].replace(/^\t/gm, "");
  return text;
}

/** The message of a failed render, or why it was stopped. `paths` maps private folder names to shown ones. */
export function failureMessage(
  result: JobResult,
  limits: { timeoutMs: number; maxOutputBytes: number },
  paths: readonly (readonly [string, string])[] = [],
): string {
  if (result.reason === "timeout")
    return `stopped after the time limit of ${Math.round(limits.timeoutMs / 100) / 10} s`;
  if (result.reason === "output-limit")
    return `stopped: the output went over the limit of ${limits.maxOutputBytes} bytes`;
  if (result.reason === "spawn-error") return `could not start: ${result.error ?? "unknown error"}`;
  // The kustomization we wrap around a root adds a layer of its own to kustomize's errors.
  let text = unwrapKlog(result.stderr).replace(
    /^accumulating resources: accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': (?:recursed accumulation of path|couldn't make target for path) '[^']*': /,
    "",
  );
  const lines = text
    .split("\n")
    .map((l) =>
      l
        .replace(/^[EWIF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\] /, "")
        .replace(/^Error: /, "")
        .trim(),
    )
    .filter(Boolean);
  text = lines.join(" ") || (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
  // Longest first, so that a folder and its parent are both replaced correctly.
  for (const [from, to] of [...paths].sort((a, b) => b[0].length - a[0].length))
    if (from) text = text.split(from).join(to);
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
