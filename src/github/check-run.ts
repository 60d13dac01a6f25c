// The `reachdiff` check run on the head commit: in progress while working, then a conclusion with the
// headline as title, the risk table as summary, and annotations at file:line (50 per request, as
// the API allows). external_id maps the run back to its pull request for re-runs.
import { CHECK_NAME, type CheckOutput } from "../review.js";
import type { GitHub, Repo } from "./types.js";

export const ANNOTATIONS_PER_REQUEST = 50;

export const externalId = (pr: number) => `pr:${pr}`;

/** The pull request number a check run was created for, from its external_id. */
export function prOfExternalId(id: string | null | undefined): number | undefined {
  const m = /^pr:(\d{1,10})$/.exec(id ?? "");
  return m ? Number(m[1]) : undefined;
}

export async function startCheck(gh: GitHub, repo: Repo, headSha: string, pr: number, detailsUrl?: string): Promise<number> {
  const { data } = await gh.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: "in_progress",
    started_at: new Date().toISOString(),
    external_id: externalId(pr),
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: { title: "Reviewing exposure and reachability…", summary: "Reachdiff is reading the manifests of both sides." },
  });
  return data.id;
}

export async function completeCheck(gh: GitHub, repo: Repo, checkRunId: number, output: CheckOutput): Promise<void> {
  const title = output.title;
  const summary = output.summary;
  const batches: (typeof output.annotations)[] = [];
  for (let i = 0; i < output.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(output.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  // Annotations first (each PATCH appends), the conclusion last, so a required check never turns green or red early.
  for (const batch of batches.slice(0, -1))
    await gh.rest.checks.update({ ...repo, check_run_id: checkRunId, output: { title, summary, annotations: [...batch] } });
  await gh.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary, ...(batches.length ? { annotations: [...batches.at(-1)!] } : {}) },
  });
}
