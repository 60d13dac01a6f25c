// Slash commands on pull-request comments: only new comments by people (never bots), only a command
// on the first line, only from someone with write access. Eyes while running, then +1 / hooray, or
// confused when refused or failed.
import { UnknownEndpoint } from "../analysis/explain.js";
import { ConfigError } from "../config/load-config.js";
import { explainConnection } from "../review.js";
import { fetchManifests } from "./fetch-manifests.js";
import { canWrite } from "./permissions.js";
import { readRepoConfig } from "./repo-config.js";
import { describeError, getPullRequest, reviewPullRequest, type Outcome } from "./review-pull-request.js";
import { effectiveConfig, type Session } from "./session.js";
import { HELP, parseSlashCommand, type SlashCommand } from "./slash-command.js";

export interface CommentEvent {
  readonly action: string;
  readonly commentId: number;
  readonly body: string;
  readonly author: string;
  readonly authorIsBot: boolean;
  readonly issueNumber: number;
  readonly isPullRequest: boolean;
}

export interface CommandResult {
  readonly command?: SlashCommand["kind"];
  /** Why nothing ran, when nothing did. */
  readonly ignored?: string;
  readonly refused?: boolean;
  readonly outcome?: Outcome;
}

type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

const fence = (text: string) => "```text\n" + text.replace(/```/g, "`\u200b``") + "```";

export async function handleCommentCommand(session: Session, ev: CommentEvent): Promise<CommandResult> {
  if (ev.action !== "created") return { ignored: "only new comments carry commands" };
  if (!ev.isPullRequest) return { ignored: "not a pull request" };
  if (ev.authorIsBot || ev.author.endsWith("[bot]")) return { ignored: "comments by bots never run commands" };
  const command = parseSlashCommand(ev.body);
  if (!command) return { ignored: "no command on the first line" };
  const { gh, repo } = session;
  const react = async (content: Reaction) => (await gh.rest.reactions.createForIssueComment({ ...repo, comment_id: ev.commentId, content })).data.id;
  const reply = (body: string) => gh.rest.issues.createComment({ ...repo, issue_number: ev.issueNumber, body });

  if (!(await canWrite(gh, repo, ev.author))) {
    await reply(`Sorry, only people with write access to this repository can run \`/reachdiff\` commands. A maintainer can run it for you.`);
    await react("confused");
    return { command: command.kind, refused: true };
  }
  const eyes = await react("eyes");
  let ok = false;
  let outcome: Outcome | undefined;
  try {
    switch (command.kind) {
      case "help":
        await reply(HELP);
        ok = true;
        break;
      case "invalid":
        await reply(`Reachdiff did not understand that: ${command.reason}.\n\n${HELP}`);
        break;
      case "run": {
        const pr = await getPullRequest(gh, repo, ev.issueNumber);
        outcome = await reviewPullRequest(session, pr);
        ok = outcome.status !== "failed";
        break;
      }
      case "explain": {
        const pr = await getPullRequest(gh, repo, ev.issueNumber);
        let text: string;
        try {
          const { config: fileConfig } = await readRepoConfig(gh, repo, pr.baseSha, session.settings.configPath);
          const config = effectiveConfig(fileConfig, session.settings);
          const head = await fetchManifests(gh, repo, pr.headSha, config.paths);
          const port = command.port !== undefined || command.protocol !== "TCP" ? { protocol: command.protocol, port: command.port } : undefined;
          text = explainConnection(head.files, config, command.from, command.to, port);
          ok = true;
        } catch (error) {
          if (!(error instanceof UnknownEndpoint || error instanceof ConfigError)) throw error;
          text = error.message + "\n";
        }
        await reply(`Explanation at ${pr.headSha.slice(0, 7)}:\n\n${fence(text)}`);
        break;
      }
    }
  } catch (error) {
    session.log.error(`/reachdiff ${command.kind} on #${ev.issueNumber} failed: ${describeError(error)}`);
    await reply(`Reachdiff could not run that command: ${describeError(error)}`).catch(() => undefined);
  } finally {
    await gh.rest.reactions.deleteForIssueComment({ ...repo, comment_id: ev.commentId, reaction_id: eyes }).catch(() => undefined);
  }
  await react(ok ? (command.kind === "run" ? "hooray" : "+1") : "confused");
  return { command: command.kind, outcome };
}
