// The `reachdiff` check run on the head commit: in progress while working, then a conclusion with the
// headline as title, the risk table as summary, and annotations at file:line (50 per request, as
// the API allows). external_id maps the run back to its pull request for re-runs.
import { type CheckOutput, failedCheck } from "./check-output.js";
import { createCheckRun, ourCheckRuns } from "./lifecycle.js";
import type { GitHub, Repo } from "./types.js";

const ANNOTATIONS_PER_REQUEST = 50;

export const externalId = (pr: number) => `pr:${pr}`;

/** The pull request number a check run was created for, from its external_id. */
export function prOfExternalId(id: string | null | undefined): number | undefined {
  const m = /^pr:(\d{1,10})$/.exec(id ?? "");
  return m ? Number(m[1]) : undefined;
}

/** Creates the check run in progress (see createCheckRun: a POST that got no answer is looked for, not repeated). */
export async function startCheck(
  gh: GitHub,
  repo: Repo,
  headSha: string,
  pr: number,
  detailsUrl?: string,
): Promise<number> {
  return (await createCheckRun(gh, repo, { headSha, externalId: externalId(pr), detailsUrl })).id;
}

/** At most this many annotations per check run (3 requests): the worst first, the rest counted in the summary. */
const MAX_ANNOTATIONS = 150;

/** GitHub's limit on output.text and output.summary (characters). */
const OUTPUT_MAX_CHARS = 65_535;

const RANK = { failure: 0, warning: 1, notice: 2 } as const;

export async function completeCheck(gh: GitHub, repo: Repo, checkRunId: number, output: CheckOutput): Promise<void> {
  const title = output.title;
  const sorted = [...output.annotations].sort((a, b) => RANK[a.annotation_level] - RANK[b.annotation_level]);
  const kept = sorted.slice(0, MAX_ANNOTATIONS);
  const left = sorted.length - kept.length;
  const summary = left
    ? `${output.summary.slice(0, OUTPUT_MAX_CHARS - 200)}\n\n${left.toLocaleString("en-US")} more annotation(s) left out (the ${MAX_ANNOTATIONS} most severe are shown); every finding is in the report.`
    : output.summary;
  const text = output.text ? output.text.slice(0, OUTPUT_MAX_CHARS) : undefined;
  const batches: (typeof output.annotations)[] = [];
  for (let i = 0; i < kept.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(kept.slice(i, i + ANNOTATIONS_PER_REQUEST));
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
    output: {
      title,
      summary,
      ...(text ? { text } : {}),
      ...(batches.length ? { annotations: [...batches.at(-1)!] } : {}),
    },
  });
}

/** Our check runs of this pull request still in progress on this head commit (every page). */
async function runsInProgress(gh: GitHub, repo: Repo, headSha: string, pr: number): Promise<number[]> {
  return (await ourCheckRuns(gh, repo, headSha, externalId(pr)))
    .filter((r) => r.status !== "completed")
    .map((r) => r.id);
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
