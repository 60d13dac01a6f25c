// Slash commands on pull-request comments: only new comments by people (never bots), only a command
// on the first line, only from someone with write access. Eyes while running, then +1 / hooray, or
// confused when refused or failed. Reactions are a courtesy: one that fails (the comment was deleted,
// GitHub hiccups) never stops or fails the command. Replies never echo the comment outside a code
// block or code span, so they cannot mention anyone or inject Markdown.
import { explain, UnknownEndpoint } from "../analysis/explain.js";
import { explanationText } from "../report/explain-text.js";
import { ConfigError } from "../config/load-config.js";
import { fetchCluster } from "./fetch-sides.js";
import { canWrite } from "./permissions.js";
import { readRepoConfig } from "./repo-config.js";
import { describeError } from "./errors.js";
import type { Outcome } from "./outcome.js";
import { getPullRequest, reviewPullRequest } from "./review-pull-request.js";
import { effectiveConfig, type Session } from "./session.js";
import { HELP, parseSlashCommand, type SlashCommand } from "./slash-command.js";
import { createCommentOnce, ownComments } from "./sticky-comment.js";

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

/** Text in a fenced code block; no line of it can close the fence. Cut to stay far below GitHub's comment size. */
const fence = (text: string, max = 15_000) => {
  const cut = text.length > max ? `${text.slice(0, max)}\n…(cut)\n` : text;
  return `\`\`\`text\n${cut.replace(/```/g, "`\u200b``")}${cut.endsWith("\n") ? "" : "\n"}\`\`\``;
};

export async function handleCommentCommand(session: Session, ev: CommentEvent): Promise<CommandResult> {
  if (ev.action !== "created") return { ignored: "only new comments carry commands" };
  if (!ev.isPullRequest) return { ignored: "not a pull request" };
  if (ev.authorIsBot || ev.author.endsWith("[bot]")) return { ignored: "comments by bots never run commands" };
  const command = parseSlashCommand(ev.body);
  if (!command) return { ignored: "no command on the first line" };
  const { gh, repo } = session;
  const react = async (content: Reaction): Promise<number | undefined> => {
    try {
      return (await gh.rest.reactions.createForIssueComment({ ...repo, comment_id: ev.commentId, content })).data.id;
    } catch (error) {
      session.log.warn(`could not react ${content} to comment ${ev.commentId}: ${describeError(error)}`);
      return undefined;
    }
  };
  // A hidden last line ties the reply to the command, so that a retried POST cannot post it twice.
  const reply = (body: string) =>
    createCommentOnce(
      gh,
      repo,
      ev.issueNumber,
      `${body}\n\n<!-- reachdiff:reply to=${ev.commentId} -->`,
      session.botLogin,
    );

  if (!(await canWrite(gh, repo, ev.author))) {
    // A reaction always; a reply explaining why only once per person and pull request (no thread of refusals).
    await react("confused");
    const tag = `<!-- reachdiff:refused user=${ev.author.replace(/[^\w\-[\]]/g, "").toLowerCase()} -->`;
    try {
      const told = (await ownComments(gh, repo, ev.issueNumber, session.botLogin)).some((c) => c.body.includes(tag));
      if (!told)
        await reply(
          `Sorry, only people with write access to this repository can run \`/reachdiff\` commands. A maintainer can run it for you.\n${tag}`,
        );
    } catch (error) {
      session.log.warn(`could not reply to comment ${ev.commentId}: ${describeError(error)}`);
    }
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
        if (pr.open === false) {
          await reply("This pull request is closed: there is nothing to review.");
          break;
        }
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
          const head = await fetchCluster(gh, repo, pr.headSha, config, session.settings.archiveCache);
          const port =
            command.port !== undefined || command.protocol !== "TCP"
              ? { protocol: command.protocol, port: command.port }
              : undefined;
          text = explanationText(explain(head, command.from, command.to, port));
          ok = true;
        } catch (error) {
          if (!(error instanceof UnknownEndpoint || error instanceof ConfigError)) throw error;
          text = `${error.message}\n`;
        }
        await reply(`Explanation at ${pr.headSha.slice(0, 7)}:\n\n${fence(text)}`);
        break;
      }
    }
  } catch (error) {
    session.log.error(`/reachdiff ${command.kind} on #${ev.issueNumber} failed: ${describeError(error)}`);
    await reply(`Reachdiff could not run that command: ${describeError(error)}`).catch(() => undefined);
  } finally {
    if (eyes !== undefined)
      await gh.rest.reactions
        .deleteForIssueComment({ ...repo, comment_id: ev.commentId, reaction_id: eyes })
        .catch(() => undefined);
  }
  await react(ok ? (command.kind === "run" ? "hooray" : "+1") : "confused");
  return { command: command.kind, outcome };
}
