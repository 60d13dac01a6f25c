// The GitHub App (probot 14): a thin shell. Webhook signatures are verified by probot before any of
// this runs; each event goes to the shared review path with the installation's client.
//
// Logging: probot's pino logger, as JSON lines with LOG_FORMAT=json. Reachdiff logs sentences that
// never carry credentials; an error that escapes a handler is logged here, reduced to what a person
// needs (type, message, status, method and URL without query) through a child logger that also
// redacts credential paths, and probot is handed a plain Error with that message only, so that no
// request headers, token or key reach its log line or GitHub's delivery log.
//
// Lifecycle: a redelivered webhook (same X-GitHub-Delivery) is ignored; a newer push, a close or a
// retarget aborts the review in flight for that pull request; on SIGTERM or SIGINT the App stops
// taking work, lets running reviews finish for REACHDIFF_SHUTDOWN_GRACE_MS (20 s) and concludes the
// rest as cancelled, saying how to re-run them, before it exits.
import type { Context, Probot } from "probot";
import { archiveCacheFromEnv } from "./github/archive-cache.js";
import { prOfExternalId } from "./github/check-run.js";
import { APP_EVENTS, backfill, handleEvent } from "./github/events.js";
import { Deliveries, InFlight, isSuperseded, Stop } from "./github/lifecycle.js";
import { pacerFor } from "./github/pacing.js";
import { proxyFromEnv } from "./github/proxy.js";
import { describeError, reviewPullRequest } from "./github/review-pull-request.js";
import { createSession } from "./github/session.js";
import { serialize } from "./github/serialize.js";
import { type GitHub, type Log, type Repo, serverUrlOf } from "./github/types.js";
import { inJob, jobSettings, reportOutcome } from "./queue/context.js";

type Ctx = Context<(typeof APP_EVENTS)[number]>;

export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
/** After the grace period, how long the stopped reviews get to conclude their check runs. */
const CONCLUDE_MS = 8_000;
/** Open pull requests reviewed per installation event (newest first). */
const DEFAULT_BACKFILL_MAX = 100;

proxyFromEnv();

const inFlight = new InFlight();
const deliveries = new Deliveries();
const jobs = new Set<Promise<unknown>>();
let stopping = false;
let signalsInstalled = false;

/** The service (src/service/main.ts) drains through its queue and handles the signals itself. */
export const appOptions = { handleSignals: true };

function settle(promises: Iterable<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.allSettled([...promises]).then(() => undefined),
    new Promise<void>((r) => (timer = setTimeout(r, ms))),
  ]).finally(() => clearTimeout(timer));
}

/** SIGTERM (a deploy, `docker stop`, Kubernetes) or SIGINT: finish or conclude every review, then exit. */
function installSignals(log: Probot["log"]): void {
  if (signalsInstalled || !appOptions.handleSignals) return;
  signalsInstalled = true;
  const grace = Number(process.env.REACHDIFF_SHUTDOWN_GRACE_MS) || DEFAULT_SHUTDOWN_GRACE_MS;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    inFlight.close(new Stop("shutdown"));
    log.info(
      `${signal}: Reachdiff takes no new work; ${inFlight.size} review(s) running get ${grace / 1000} s to finish`,
    );
    await settle(jobs, grace);
    if (jobs.size) {
      log.warn(`${inFlight.size} review(s) still running after ${grace / 1000} s: concluding them as cancelled`);
      inFlight.stopAll(new Stop("shutdown"));
      await settle(jobs, CONCLUDE_MS);
    }
    log.info("Reachdiff stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
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

export default function reachdiffApp(app: Probot): void {
  installSignals(app.log);
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

  /** One pull request's work, in arrival order, abortable by newer events and the shutdown. */
  const perPullRequest = <T>(key: string, head: string, work: (signal: AbortSignal) => Promise<T>) =>
    serialize(key, () => inFlight.run(key, head, work));

  // biome-ignore lint/suspicious/noExplicitAny: webhook payloads, read defensively field by field
  const supersede = async (context: Ctx, key: string, p: any, logger: Ctx["log"]) => {
    const action = String(p.action ?? "");
    if (context.name === "merge_group" && action === "destroyed") {
      inFlight.supersede(`${key}@${p.merge_group?.head_ref}`, new Stop("closed"));
      return;
    }
    if (context.name !== "pull_request") return;
    const prKey = `${key}#${p.pull_request.number}`;
    const head = String(p.pull_request.head.sha);
    if (action === "closed") inFlight.supersede(prKey, new Stop("closed"));
    if (action === "edited" && p.changes?.base) inFlight.supersede(prKey, new Stop("retarget"), (h) => h === head);
    // A push: a review of another head stops, once GitHub confirms that head is no longer the pull
    // request's (a late or out-of-order delivery must not stop the review of the newest head).
    for (const old of inFlight.heads(prKey).filter((h) => h !== head)) {
      const now = await isSuperseded(context.octokit as unknown as GitHub, context.repo(), {
        number: p.pull_request.number,
        headSha: old,
      }).catch(() => ({}) as { newer?: string; closed?: boolean });
      if (now.newer || now.closed) {
        const n = inFlight.supersede(
          prKey,
          now.closed ? new Stop("closed") : new Stop("push", now.newer),
          (h) => h === old,
        );
        if (n)
          logger.info(
            `#${p.pull_request.number}: review of ${old.slice(0, 7)} stopped, superseded by ${now.newer?.slice(0, 7) ?? "a close"}`,
          );
      }
    }
  };

  const work = async (context: Ctx, logger: Ctx["log"]) => {
    // biome-ignore lint/suspicious/noExplicitAny: webhook payloads, read defensively field by field
    const p = context.payload as any;
    if (!p.installation?.id) return logger.warn("event without an installation: ignored");
    if (context.name === "installation" || context.name === "installation_repositories")
      return backfillInstallation(context, logger);
    const repo = context.repo();
    const key = `${repo.owner}/${repo.repo}`;
    await supersede(context, key, p, logger);
    if (context.name === "pull_request" && p.action === "closed") return;
    if (context.name === "merge_group") {
      const group = String(p.merge_group?.head_ref ?? "");
      if (p.action !== "checks_requested") return;
      const result = await perPullRequest(`${key}@${group}`, String(p.merge_group.head_sha), async (signal) =>
        handleEvent(await sessionFor(context, repo, logger, signal), context.name, p),
      );
      return reportOutcome(result.kind === "review" ? result.outcome.status : result.kind);
    }
    const number =
      p.pull_request?.number ??
      p.issue?.number ??
      prOfExternalId(p.check_run?.external_id) ??
      p.check_run?.pull_requests?.[0]?.number ??
      p.check_suite?.pull_requests?.[0]?.number;
    const head = p.pull_request?.head?.sha ?? p.check_run?.head_sha ?? p.check_suite?.head_sha ?? "*";
    const result = await perPullRequest(`${key}#${number ?? context.id}`, String(head), async (signal) =>
      handleEvent(await sessionFor(context, repo, logger, signal), context.name, p),
    );
    reportOutcome(result.kind === "review" ? result.outcome.status : result.kind);
  };

  /** installation.created, installation_repositories.added: the open pull requests get their first review. */
  const backfillInstallation = async (context: Ctx, logger: Ctx["log"]) => {
    // biome-ignore lint/suspicious/noExplicitAny: webhook payloads, read defensively field by field
    const p = context.payload as any;
    if (p.action !== "created" && p.action !== "added") return;
    const gh = context.octokit as unknown as GitHub;
    let repos: { full_name: string }[] = p.repositories_added ?? p.repositories ?? [];
    if (!repos.length && p.action === "created")
      repos = await gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    let budget = Number(process.env.REACHDIFF_BACKFILL_MAX) || DEFAULT_BACKFILL_MAX;
    for (const r of repos) {
      if (budget <= 0 || stopping) break;
      const [owner, name] = r.full_name.split("/");
      const repo = { owner, repo: name };
      const session = await sessionFor(context, repo, logger, new AbortController().signal);
      const outcomes = await backfill(session, budget, (pr) =>
        perPullRequest(`${r.full_name}#${pr.number}`, pr.headSha, async (signal) =>
          reviewPullRequest(await sessionFor(context, repo, logger, signal), pr, { once: true }),
        ),
      );
      budget -= outcomes.length;
    }
  };

  const handle = async (context: Ctx) => {
    const logger = context.log.child({}, { redact: { paths: REDACT_PATHS, censor: "[Redacted]" } }) as Ctx["log"];
    const action = (context.payload as { action?: string }).action ?? "";
    // A queue (src/service) dedupes deliveries itself and may retry one on purpose.
    if (!inJob() && !deliveries.first(context.id))
      return logger.info(`delivery ${context.id} (${context.name}.${action}) was handled before: ignored`);
    const job = work(context, logger);
    jobs.add(job);
    try {
      await job;
    } catch (error) {
      logger.error({ error: errorSummary(error) }, `${context.name}.${action} failed: ${describeError(error)}`);
      throw new Error(describeError(error));
    } finally {
      jobs.delete(job);
    }
  };

  app.on([...APP_EVENTS], handle);
}
