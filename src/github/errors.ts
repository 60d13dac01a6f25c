// How an error is told: one sentence for a person (the check run, the comment reply, the Action's
// step), and a summary for the log. Never headers, tokens, a request body or a stack.
import { ConfigError } from "../config/load-config.js";
import { RateLimited, RequestTimeout, rateLimitWait } from "./pacing.js";
import { httpStatus } from "./types.js";

export class ReviewTimeout extends Error {}

/** A 403 that is no rate limit: the token lacks the permission (read-only GITHUB_TOKEN, an org policy). */
export const cannotWrite = (error: unknown) => httpStatus(error) === 403 && rateLimitWait(error) === undefined;

/** What went wrong, in one sentence for a person: never headers, tokens or a stack. */
export function describeError(error: unknown): string {
  if (error instanceof ConfigError) return `The configuration is invalid: ${error.message}`;
  if (error instanceof ReviewTimeout) return error.message;
  const e = error as { message?: string; cause?: unknown; request?: { method?: string; url?: string } };
  const where =
    `${e?.request?.method ?? ""} ${(e?.request?.url ?? "").replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "")}`.trim();
  if (error instanceof RateLimited) {
    const call = error.what;
    return `${error.persistent ? `GitHub's rate limit still refused ${call} after retries` : `GitHub's rate limit asks to wait ${error.waitSeconds} s before ${call}, longer than Reachdiff waits`}. Try again later: re-run the check or comment \`/reachdiff\`.`;
  }
  if (error instanceof RequestTimeout || e?.cause instanceof RequestTimeout)
    return `GitHub did not answer${where ? ` ${where}` : ""} in time (after retries). Re-run the check or comment \`/reachdiff\` to try again.`;
  const status = httpStatus(error);
  if (rateLimitWait(error) !== undefined) return describeError(new RateLimited(0, where, true));
  if (status !== undefined)
    return `The GitHub API answered ${status} to ${where}${status >= 500 ? " (after retries)" : ""}: ${e.message ?? ""}`;
  return `Reachdiff failed: ${e?.message ?? String(error)}`;
}

/** Paths pino blanks out in anything logged through reachdiff's loggers (belt and braces). */
export const REDACT_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "*.*.headers.authorization",
  "*.*.*.headers.authorization",
  "token",
  "*.token",
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "webhookSecret",
  "*.webhookSecret",
];

/** An error as reachdiff logs it: no headers, no body, no query string. */
export function errorSummary(error: unknown): Record<string, unknown> {
  const e = error as {
    name?: string;
    message?: string;
    status?: number;
    request?: { method?: string; url?: string };
  } | null;
  return {
    type: e?.name ?? typeof error,
    message: describeError(error),
    ...(typeof e?.status === "number" ? { status: e.status } : {}),
    ...(e?.request?.url
      ? { request: { method: e.request.method, url: String(e.request.url).replace(/\?.*$/, "") } }
      : {}),
  };
}
