// The GitHub App (probot 14): a thin shell. Webhook signatures are verified by probot before any of
// this runs; each event goes to the shared review path with the installation's client.
import type { Context, Probot } from "probot";
import { prOfExternalId } from "./github/check-run.js";
import { handleEvent, PULL_REQUEST_ACTIONS } from "./github/events.js";
import { pacerFor } from "./github/pacing.js";
import { createSession } from "./github/session.js";
import { serialize } from "./github/serialize.js";
import type { GitHub, Log } from "./github/types.js";

type Ctx = Context<"pull_request" | "issue_comment" | "check_run">;

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

  const handle = async (context: Ctx) => {
    const installation = (context.payload as { installation?: { id: number } }).installation?.id;
    if (!installation) return context.log.warn("event without an installation: ignored");
    const repo = context.repo();
    const log: Log = { info: (m) => context.log.info(m), warn: (m) => context.log.warn(m), error: (m) => context.log.error(m) };
    const session = createSession({ gh: context.octokit as unknown as GitHub, repo, botLogin: await login(), log, pacer: pacerFor(`installation:${installation}`), settings: {} });
    const p = context.payload as { pull_request?: { number: number }; issue?: { number: number }; check_run?: { external_id?: string | null } };
    const number = p.pull_request?.number ?? p.issue?.number ?? prOfExternalId(p.check_run?.external_id);
    await serialize(`${repo.owner}/${repo.repo}#${number || context.id}`, () => handleEvent(session, context.name, context.payload));
  };

  app.on(
    PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
    handle,
  );
  app.on("issue_comment.created", handle);
  app.on("check_run.rerequested", handle);
}
