// The small surface of Octokit that reachdiff uses. Probot's `context.octokit` and the Action's
// @octokit/rest client both provide it (@octokit/core 7 with rest endpoint methods and paginate).
import type { Octokit } from "@octokit/rest";

export type GitHub = Pick<Octokit, "rest" | "paginate" | "request" | "hook">;

export interface Repo {
  readonly owner: string;
  readonly repo: string;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A pull request as the review needs it: the number and the commits of both sides. */
export interface PullRequestRef {
  readonly number: number;
  readonly headSha: string;
  readonly baseSha: string;
  readonly baseRef: string;
  /** True when the head lives in another repository (a fork). */
  readonly fromFork?: boolean;
  /** False once the pull request is closed or merged (as the API last said). */
  readonly open?: boolean;
  /** Set for a merge-queue group (its head_ref): no pull request to comment on, `number` is 0. */
  readonly mergeGroup?: string;
}

/** Anything the GitHub API answered with an HTTP status (RequestError and friends). */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

export function repoUrl(repo: Repo, serverUrl = "https://github.com"): string {
  return `${serverUrl}/${repo.owner}/${repo.repo}`;
}

/** The instance's web address from a repository's html_url (https://ghe.example.com/o/r -> https://ghe.example.com). */
export function serverUrlOf(htmlUrl: string | undefined, repo: Repo): string | undefined {
  const suffix = `/${repo.owner}/${repo.repo}`;
  if (!htmlUrl || !/^https?:\/\//.test(htmlUrl)) return undefined;
  return htmlUrl.toLowerCase().endsWith(suffix.toLowerCase()) ? htmlUrl.slice(0, -suffix.length) : undefined;
}
