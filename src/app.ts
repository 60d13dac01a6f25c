// The GitHub App (probot 14): a thin shell. Webhook signatures are verified by probot before any of
// this runs; each event goes to the shared review path with the installation's client.
//
// Logging: probot's pino logger, as JSON lines with LOG_FORMAT=json. Reachdiff logs sentences that
// never carry credentials; an error that escapes a handler is logged here, reduced to what a person
// needs (type, message, status, method and URL without query) through a child logger that also
// redacts credential paths, and probot is handed a plain Error with that message only, so that no
// request headers, token or key reach its log line or GitHub's delivery log.
import type { Context, Probot } from "probot";
import { prOfExternalId } from "./github/check-run.js";
import { handleEvent, PULL_REQUEST_ACTIONS } from "./github/events.js";
import { pacerFor } from "./github/pacing.js";
import { describeError } from "./github/review-pull-request.js";
import { createSession } from "./github/session.js";
import { serialize } from "./github/serialize.js";
import type { GitHub, Log } from "./github/types.js";
import { jobSettings, reportOutcome } from "./queue/context.js";

type Ctx = Context<"pull_request" | "issue_comment" | "check_run">;

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

export default function reachdiffApp(app: Probot): void {
  let botLogin: Promise<string> | undefined;
  // Our own comments are authored by "<app-slug>[bot]"; ask GitHub once who we are (JWT request).
  const login = () =>
    (botLogin ??= app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => `${data?.slug}[bot]`)
      .catch((error) => {
        botLogin = undefined;
        throw error;
      }));

  const work = async (context: Ctx, logger: Ctx["log"]) => {
    const installation = (context.payload as { installation?: { id: number } }).installation?.id;
    if (!installation) return logger.warn("event without an installation: ignored");
    const repo = context.repo();
    const log: Log = { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
    const session = createSession({
      gh: context.octokit as unknown as GitHub,
      repo,
      botLogin: await login(),
      log,
      pacer: pacerFor(`installation:${installation}`),
      settings: {
        reviewThread: true,
        reviewMemoryMb: Number(process.env.REACHDIFF_REVIEW_MEMORY_MB) || undefined,
        ...jobSettings(),
      },
    });
    const p = context.payload as {
      pull_request?: { number: number };
      issue?: { number: number };
      check_run?: { external_id?: string | null };
    };
    const number = p.pull_request?.number ?? p.issue?.number ?? prOfExternalId(p.check_run?.external_id);
    const result = await serialize(`${repo.owner}/${repo.repo}#${number || context.id}`, () =>
      handleEvent(session, context.name, context.payload),
    );
    reportOutcome(result.kind === "review" ? result.outcome.status : result.kind);
  };

  const handle = async (context: Ctx) => {
    const logger = context.log.child({}, { redact: { paths: REDACT_PATHS, censor: "[Redacted]" } }) as Ctx["log"];
    try {
      await work(context, logger);
    } catch (error) {
      logger.error(
        { error: errorSummary(error) },
        `${context.name}.${(context.payload as { action?: string }).action ?? ""} failed: ${describeError(error)}`,
      );
      throw new Error(describeError(error));
    }
  };

  app.on(
    PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
    handle,
  );
  app.on("issue_comment.created", handle);
  app.on("check_run.rerequested", handle);
}
