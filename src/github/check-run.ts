// The `reachdiff` check run on the head commit: in progress while working, then a conclusion with the
// headline as title, the risk table as summary, and annotations at file:line (50 per request, as
// the API allows). external_id maps the run back to its pull request for re-runs.
import { CHECK_NAME, type CheckOutput, failedCheck } from "./check-output.js";
import { httpStatus, type GitHub, type Repo } from "./types.js";

export const ANNOTATIONS_PER_REQUEST = 50;

export const externalId = (pr: number) => `pr:${pr}`;

/** The pull request number a check run was created for, from its external_id. */
export function prOfExternalId(id: string | null | undefined): number | undefined {
  const m = /^pr:(\d{1,10})$/.exec(id ?? "");
  return m ? Number(m[1]) : undefined;
}

/**
 * Creates the check run in progress. A POST that got no answer (a timeout) or a 5xx may still have
 * created it, so it is never retried blindly: the head's runs are read first, and our run for this pull
 * request that is still in progress is taken over (never two, never one left in progress for ever).
 */
export async function startCheck(
  gh: GitHub,
  repo: Repo,
  headSha: string,
  pr: number,
  detailsUrl?: string,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await gh.rest.checks.create({
        ...repo,
        name: CHECK_NAME,
        head_sha: headSha,
        status: "in_progress",
        started_at: new Date().toISOString(),
        external_id: externalId(pr),
        ...(detailsUrl ? { details_url: detailsUrl } : {}),
        output: {
          title: "Reviewing exposure and reachability…",
          summary: "Reachdiff is reading the manifests of both sides.",
        },
        request: { retries: 0 },
      });
      return data.id;
    } catch (error) {
      const status = httpStatus(error);
      if (status === undefined || status < 500 || attempt >= 2) throw error;
      // Give a request that GitHub is still working on the time to land before looking for it.
      await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      const { data } = await gh.rest.checks.listForRef({
        ...repo,
        ref: headSha,
        check_name: CHECK_NAME,
        status: "in_progress",
        filter: "all",
        per_page: 100,
      });
      const ours = data.check_runs.find((r) => r.external_id === externalId(pr));
      if (ours) return ours.id;
    }
  }
}

export async function completeCheck(gh: GitHub, repo: Repo, checkRunId: number, output: CheckOutput): Promise<void> {
  const title = output.title;
  const summary = output.summary;
  const batches: (typeof output.annotations)[] = [];
  for (let i = 0; i < output.annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(output.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  // Annotations first (each PATCH appends), the conclusion last, so a required check never turns green or red early.
  for (const batch of batches.slice(0, -1))
    await gh.rest.checks.update({
      ...repo,
      check_run_id: checkRunId,
      output: { title, summary, annotations: [...batch] },
    });
  await gh.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { title, summary, ...(batches.length ? { annotations: [...batches.at(-1)!] } : {}) },
  });
}

/** Our check runs of this pull request still in progress on this head commit. */
export async function runsInProgress(gh: GitHub, repo: Repo, headSha: string, pr: number): Promise<number[]> {
  const { data } = await gh.rest.checks.listForRef({
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    status: "in_progress",
    filter: "all",
    per_page: 100,
  });
  return data.check_runs.filter((r) => r.external_id === externalId(pr)).map((r) => r.id);
}

/**
 * A retried review (its previous attempt's worker died or handed it back) takes over the check run that
 * attempt left in progress instead of creating a second one; without one, it creates one.
 */
export async function adoptOrStartCheck(
  gh: GitHub,
  repo: Repo,
  headSha: string,
  pr: number,
  detailsUrl?: string,
): Promise<number> {
  const [existing] = await runsInProgress(gh, repo, headSha, pr).catch(() => []);
  return existing ?? startCheck(gh, repo, headSha, pr, detailsUrl);
}

/** Concludes the check runs a review left in progress and will never finish, saying how to run it again. */
export async function concludeAbandoned(
  gh: GitHub,
  repo: Repo,
  headSha: string,
  pr: number,
  why: string,
): Promise<number> {
  const ids = await runsInProgress(gh, repo, headSha, pr);
  const check = failedCheck(
    `${why} Re-run the check or comment \`/reachdiff\` on the pull request to review it again.`,
  );
  for (const id of ids) await completeCheck(gh, repo, id, { ...check, title: "Reachdiff stopped before finishing" });
  return ids.length;
}
