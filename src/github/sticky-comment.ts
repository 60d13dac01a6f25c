// One sticky comment per pull request: found by its hidden first-line marker AND the bot's own login,
// across every page of comments, then updated in place (or deleted and re-posted, or left alone).
// Someone may delete it at any moment: an edit or a deletion that meets a 404 posts it anew.
import { parseMarker } from "../report/markdown.js";
import { httpStatus, type GitHub, type Repo } from "./types.js";

export type CommentMode = "update" | "recreate" | "off";

export interface StickyComment {
  readonly id: number;
  readonly body: string;
  /** The head commit the comment describes, from its marker. */
  readonly head?: string;
}

/** The bot's own comments on an issue or pull request (every page). */
export async function ownComments(
  gh: GitHub,
  repo: Repo,
  issue: number,
  botLogin: string,
): Promise<{ id: number; body: string }[]> {
  const comments = await gh.paginate(gh.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 });
  return comments.filter((c) => c.user?.login === botLogin && c.body).map((c) => ({ id: c.id, body: c.body! }));
}

async function findSticky(gh: GitHub, repo: Repo, issue: number, botLogin: string): Promise<StickyComment[]> {
  const ours: StickyComment[] = [];
  for (const c of await ownComments(gh, repo, issue, botLogin)) {
    const marker = parseMarker(c.body);
    if (marker) ours.push({ id: c.id, body: c.body, head: marker.head });
  }
  return ours;
}

/**
 * Posts a comment at most once. A POST that got no answer (a timeout) or a 5xx may still have created
 * the comment, so it is never retried blindly: the bot's comments are read again first, and an
 * identical one counts as posted. 4xx answers are final.
 */
export async function createCommentOnce(
  gh: GitHub,
  repo: Repo,
  issue: number,
  body: string,
  botLogin: string,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await gh.rest.issues.createComment({
        ...repo,
        issue_number: issue,
        body,
        request: { retries: 0 },
      });
      return data.id;
    } catch (error) {
      const status = httpStatus(error);
      if (status === undefined || status < 500 || attempt >= 2) throw error;
      // Give a request that GitHub is still working on the time to land before looking for it.
      await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      const posted = (await ownComments(gh, repo, issue, botLogin)).findLast((c) => c.body === body);
      if (posted) return posted.id;
    }
  }
}

/** Deletes a comment; one that is already gone is fine. */
async function deleteIfThere(gh: GitHub, repo: Repo, id: number): Promise<void> {
  try {
    await gh.rest.issues.deleteComment({ ...repo, comment_id: id });
  } catch (error) {
    if (httpStatus(error) !== 404) throw error;
  }
}

export type StickyAction = "created" | "updated" | "recreated" | "unchanged" | "skipped";

export interface PublishOptions {
  readonly mode: CommentMode;
  readonly botLogin: string;
  /** Only edit an existing comment, never create one (for "nothing to review" answers). */
  readonly onlyIfExists?: boolean;
}

export async function publishSticky(
  gh: GitHub,
  repo: Repo,
  issue: number,
  body: string,
  options: PublishOptions,
): Promise<{ action: StickyAction; id?: number }> {
  if (options.mode === "off") return { action: "skipped" };
  const existing = await findSticky(gh, repo, issue, options.botLogin);
  // Never more than one: should an earlier run have left duplicates, keep the newest.
  const keep = existing.at(-1);
  for (const extra of existing.slice(0, -1)) await deleteIfThere(gh, repo, extra.id);
  const create = async () => createCommentOnce(gh, repo, issue, body, options.botLogin);
  if (!keep) {
    if (options.onlyIfExists) return { action: "skipped" };
    return { action: "created", id: await create() };
  }
  if (options.mode === "recreate") {
    await deleteIfThere(gh, repo, keep.id);
    return { action: "recreated", id: await create() };
  }
  if (keep.body === body) return { action: "unchanged", id: keep.id };
  try {
    await gh.rest.issues.updateComment({ ...repo, comment_id: keep.id, body });
    return { action: "updated", id: keep.id };
  } catch (error) {
    // Deleted by someone between the listing and the edit: post it again (still exactly one).
    if (httpStatus(error) !== 404) throw error;
    if (options.onlyIfExists) return { action: "skipped" };
    return { action: "created", id: await create() };
  }
}
