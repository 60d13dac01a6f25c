// The GitHub App (probot 14): a thin door. Webhook signatures are verified by probot before any of
// this runs; each event goes to the shared review path (github/events.ts) with the installation's
// client, one pull request at a time, newer events stopping older reviews (github/app-reviews.ts,
// github/lifecycle.ts).
//
// Logging: probot's pino logger, as JSON lines with LOG_FORMAT=json. Reachdiff logs sentences that
// never carry credentials; an error that escapes a handler is logged here, reduced to what a person
// needs (github/errors.ts) through a child logger that also redacts credential paths, and probot is
// handed a plain Error with that message only, so that no request headers, token or key reach its log
// line or GitHub's delivery log.
import type { Context, Probot } from "probot";
import { AppReviews } from "./github/app-reviews.js";
import { archiveCacheFromEnv } from "./github/archive-cache.js";
import { describeError, errorSummary, REDACT_PATHS } from "./github/errors.js";
import { APP_EVENTS, backfillInstallation, DEFAULT_BACKFILL_MAX, handleEvent, serialKeyOf } from "./github/events.js";
import { pacerFor } from "./github/pacing.js";
import { proxyFromEnv } from "./github/proxy.js";
import { createSession } from "./github/session.js";
import { type GitHub, type Log, type Repo, serverUrlOf } from "./github/types.js";
import { inJob, jobSettings, reportOutcome } from "./queue/context.js";

type Ctx = Context<(typeof APP_EVENTS)[number]>;

proxyFromEnv();

const reviews = new AppReviews();

/** The service (src/service/main.ts) drains through its queue and handles the signals itself. */
export const appOptions = { handleSignals: true };

/**
 * A delivery as it reaches the service's in-process queue, before it waits its turn (one job per pull
 * request at a time): a push, a close or a retarget stops the review of its pull request running in
 * this process, as it does when probot runs the event (supersede).
 */
export async function supersedeOnArrival(
  auth: () => Promise<GitHub>,
  name: string,
  // biome-ignore lint/suspicious/noExplicitAny: a webhook payload, read defensively field by field
  payload: any,
  log: (message: string) => void,
): Promise<void> {
  const owner = payload?.repository?.owner?.login;
  const repo = payload?.repository?.name;
  // Nothing running: nothing to stop, and no need to ask GitHub for a token.
  if (!reviews.inFlight.size || typeof owner !== "string" || typeof repo !== "string") return;
  await reviews.supersede(await auth(), { owner, repo }, name, payload, log);
}

export default function reachdiffApp(app: Probot): void {
  if (appOptions.handleSignals) reviews.installSignals(app.log);
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

  const sessionFor = async (context: Ctx, repo: Repo, logger: Ctx["log"], signal: AbortSignal) => {
    const installation = (context.payload as { installation?: { id: number } }).installation!.id;
    // Links to files use the instance's own address (GitHub Enterprise Server), from the payload.
    const htmlUrl = (context.payload as { repository?: { html_url?: string } }).repository?.html_url;
    const log: Log = { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
    return createSession({
      gh: context.octokit as unknown as GitHub,
      repo,
      botLogin: await login(),
      log,
      pacer: pacerFor(`installation:${installation}`),
      settings: {
        reviewThread: true,
        reviewMemoryMb: Number(process.env.REACHDIFF_REVIEW_MEMORY_MB) || undefined,
        oncePerHead: true,
        requireConfig: /^(1|true|yes)$/i.test(process.env.REACHDIFF_REQUIRE_CONFIG ?? ""),
        serverUrl: serverUrlOf(htmlUrl, repo),
        archiveCache: archiveCacheFromEnv(),
        ...jobSettings(),
      },
      signal,
    });
  };

  const work = async (context: Ctx, logger: Ctx["log"]) => {
    // biome-ignore lint/suspicious/noExplicitAny: webhook payloads, read defensively field by field
    const p = context.payload as any;
    if (!p.installation?.id) return logger.warn("event without an installation: ignored");
    const gh = context.octokit as unknown as GitHub;
    if (context.name === "installation" || context.name === "installation_repositories")
      return backfillInstallation(gh, p, {
        max: Number(process.env.REACHDIFF_BACKFILL_MAX) || DEFAULT_BACKFILL_MAX,
        stopping: () => reviews.stopping,
        session: (repo, signal) => sessionFor(context, repo, logger, signal),
        perPullRequest: (key, head, review) => reviews.perPullRequest(key, head, review),
      });
    const repo = context.repo();
    await reviews.supersede(gh, repo, context.name, p, (m) => logger.info(m));
    if (context.name === "pull_request" && p.action === "closed") return;
    if (context.name === "merge_group" && p.action !== "checks_requested") return;
    const { key, head } = serialKeyOf(context.name, p, repo, context.id);
    const result = await reviews.perPullRequest(key, head, async (signal) =>
      handleEvent(await sessionFor(context, repo, logger, signal), context.name, p),
    );
    reportOutcome(result.kind === "review" ? result.outcome.status : result.kind);
  };

  const handle = async (context: Ctx) => {
    const logger = context.log.child({}, { redact: { paths: REDACT_PATHS, censor: "[Redacted]" } }) as Ctx["log"];
    const action = (context.payload as { action?: string }).action ?? "";
    // A queue (src/service) dedupes deliveries itself and may retry one on purpose.
    if (!inJob() && !reviews.deliveries.first(context.id))
      return logger.info(`delivery ${context.id} (${context.name}.${action}) was handled before: ignored`);
    try {
      await reviews.track(work(context, logger));
    } catch (error) {
      logger.error({ error: errorSummary(error) }, `${context.name}.${action} failed: ${describeError(error)}`);
      throw new Error(describeError(error));
    }
  };

  app.on([...APP_EVENTS], handle);
}
