// The README's Action workflows against what "Make it a required check" says of them: each parses;
// each that reviews pull requests also runs on the merge queue's group commit (or a required check
// never reports there and the queue waits for its timeout), none filters by paths (a workflow that
// does not run leaves its required check waiting); and the section names the right thing to require
// for each: the job when the Action makes no check run, the `reachdiff` check run otherwise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ROOT } from "../e2e/harness.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = (title: string) => {
  const start = readme.indexOf(`### ${title}\n`);
  expect(start, title).toBeGreaterThan(-1);
  const end = readme.indexOf("\n### ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};
const action = section("The Action");
const required = section("Make it a required check");

interface Workflow {
  name?: string;
  on: unknown;
  jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
}
const workflows: Workflow[] = [...action.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m) =>
  parseAllDocuments(m[1]).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Workflow;
  }),
);
const triggers = (w: Workflow) =>
  typeof w.on === "string" ? [w.on] : Array.isArray(w.on) ? (w.on as string[]) : Object.keys(w.on as object);
/** Jobs that run the Action, with its inputs. */
const reviewJobs = (w: Workflow) =>
  Object.entries(w.jobs).flatMap(([id, job]) =>
    (job.steps ?? []).filter((s) => s.uses?.endsWith("/reachdiff@v1")).map((s) => ({ id, with: s.with ?? {} })),
  );

describe("the README's Action workflows", () => {
  it("are four workflows, three of them on pull requests", () => {
    expect(workflows).toHaveLength(4);
    expect(workflows.filter((w) => triggers(w).includes("pull_request"))).toHaveLength(3);
  });

  it("run on merge_group wherever they review pull requests, and never filter by paths", () => {
    for (const w of workflows.filter((w) => triggers(w).includes("pull_request"))) {
      expect(triggers(w), JSON.stringify(w.on)).toContain("merge_group");
      const pr = (w.on as Record<string, unknown>)?.pull_request as Record<string, unknown> | null | undefined;
      expect(pr?.paths ?? pr?.["paths-ignore"]).toBeUndefined();
    }
  });

  it("are each told what to require: the job when no check run is made, else the reachdiff check", () => {
    for (const w of workflows.filter((w) => triggers(w).includes("pull_request")))
      for (const job of reviewJobs(w)) {
        if (String(job.with.check) === "false") expect(required).toContain(`the job \`${job.id}\``);
        else expect(required).toContain("the check `reachdiff`");
      }
    // The App's check, and the permission its merge-queue events need.
    expect(required).toMatch(/With the App\*\*: the check `reachdiff`, source: your Reachdiff App/);
    expect(required).toContain("Merge queues: read");
  });
});
