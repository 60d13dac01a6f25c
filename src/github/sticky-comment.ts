// One sticky comment per pull request: found by its hidden first-line marker AND the bot's own login,
// across every page of comments, then updated in place (or deleted and re-posted, or left alone).
import { parseMarker } from "./adapters.js";
import type { GitHub, Repo } from "./types.js";

export type CommentMode = "update" | "recreate" | "off";

export interface StickyComment {
  readonly id: number;
  readonly body: string;
  /** The head commit the comment describes, from its marker. */
  readonly head?: string;
}

export async function findSticky(gh: GitHub, repo: Repo, issue: number, botLogin: string): Promise<StickyComment[]> {
  const comments = await gh.paginate(gh.rest.issues.listComments, { ...repo, issue_number: issue, per_page: 100 });
  const ours: StickyComment[] = [];
  for (const c of comments) {
    if (c.user?.login !== botLogin || !c.body) continue;
    const marker = parseMarker(c.body);
    if (marker) ours.push({ id: c.id, body: c.body, head: marker.head });
  }
  return ours;
}

export type StickyAction = "created" | "updated" | "recreated" | "unchanged" | "skipped";

export interface PublishOptions {
  readonly mode: CommentMode;
  readonly botLogin: string;
  /** Only edit an existing comment, never create one (for "nothing to review" answers). */
  readonly onlyIfExists?: boolean;
}

export async function publishSticky(gh: GitHub, repo: Repo, issue: number, body: string, options: PublishOptions): Promise<{ action: StickyAction; id?: number }> {
  if (options.mode === "off") return { action: "skipped" };
  const existing = await findSticky(gh, repo, issue, options.botLogin);
  // Never more than one: should an earlier run have left duplicates, keep the newest.
  const keep = existing.at(-1);
  for (const extra of existing.slice(0, -1)) await gh.rest.issues.deleteComment({ ...repo, comment_id: extra.id });
  if (!keep) {
    if (options.onlyIfExists) return { action: "skipped" };
    const { data } = await gh.rest.issues.createComment({ ...repo, issue_number: issue, body });
    return { action: "created", id: data.id };
  }
  if (options.mode === "recreate") {
    await gh.rest.issues.deleteComment({ ...repo, comment_id: keep.id });
    const { data } = await gh.rest.issues.createComment({ ...repo, issue_number: issue, body });
    return { action: "recreated", id: data.id };
  }
  if (keep.body === body) return { action: "unchanged", id: keep.id };
  await gh.rest.issues.updateComment({ ...repo, comment_id: keep.id, body });
  return { action: "updated", id: keep.id };
}
