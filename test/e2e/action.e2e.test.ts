// The Action end to end: the committed, bundled dist/index.js run as a process with a runner's
// environment (GITHUB_EVENT_PATH, GITHUB_API_URL, INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY)
// against the loopback GitHub API, which validates every request against GitHub's OpenAPI description.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { until, useGitHub } from "./harness.js";
import type { TestRepo } from "./repo-fixture.js";
import { issueCommentEvent, mergeGroupEvent, pullRequestEvent, workflowRunCompletedEvent } from "./webhooks.js";

const gh = useGitHub();
const { fake, refused, runAction, target } = gh;
let t: TestRepo;
beforeEach(() => {
  t = gh.repo;
});
const BOT = "github-actions[bot]";

const prPayload = (options: { fork?: boolean } = {}) =>
  pullRequestEvent(target(), "opened", {
    number: 1,
    head: fake.pulls.get(1)!.head.sha,
    base: t.main,
    fork: options.fork,
  });

describe("the Action (dist/index.js)", () => {
  it("pull_request: comment, check run, outputs, report and a job summary equal to the comment; fails on high risk", async () => {
    const run = await runAction("pull_request", prPayload());
    expect(refused()).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::Reachdiff: (Critical|High) risk/);
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(run.summary.trim()).toBe(sticky[0].body.trim());
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: t.head, conclusion: "failure", external_id: "pr:1" });
    expect(run.outputs.risk).toMatch(/^(critical|high)$/);
    expect(Number(run.outputs.findings)).toBeGreaterThan(0);
    expect(run.outputs.report).toBe("reachdiff-report/report.json");
    expect(run.outputs.conclusion).toBe("failure");
    expect(run.outputs["comment-id"]).toBe(String(sticky[0].id));
    expect(run.outputs["check-run-id"]).toBe(String(fake.checkRuns[0].id));
    const report = JSON.parse(readFileSync(join(run.workspace, run.outputs.report), "utf8"));
    expect(report).toMatchObject({ pr: 1, head: t.head, risk: run.outputs.risk });
    expect(fake.fetchesOf(t.main).map((r) => r.operationId)).toEqual(["repos/download-tarball-archive", "codeload"]);
    expect(fake.fetchesOf(t.head).map((r) => r.operationId)).toEqual(["repos/download-tarball-archive", "codeload"]);
  });

  it("inputs override the config: fail-on none passes, comment-mode off posts nothing", async () => {
    const run = await runAction("pull_request", prPayload(), {
      "fail-on": "none",
      "comment-mode": "off",
      check: "false",
    });
    expect(run.code).toBe(0);
    expect(fake.comments).toEqual([]);
    expect(fake.checkRuns).toEqual([]);
    expect(run.summary).toContain("<!-- reachdiff:v1");
  });

  it("a second run updates the comment instead of adding one", async () => {
    await runAction("pull_request", prPayload());
    const head2 = fake.commit(
      { "k8s/extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n" },
      t.head,
    );
    fake.push(1, head2);
    await runAction("pull_request", prPayload());
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    expect(fake.stickyComments(BOT)[0].body).toContain(`head=${head2}`);
    expect(fake.calls("issues/update-comment")).toHaveLength(1);
  });

  it("fork pull request: computes the report and fails by risk, writes nothing to GitHub", async () => {
    fake.pulls.get(1)!.head.fork = true;
    const run = await runAction("pull_request", prPayload({ fork: true }));
    expect(run.code).toBe(1);
    expect(fake.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(JSON.parse(readFileSync(join(run.workspace, "reachdiff-report/pr.json"), "utf8"))).toEqual({
      number: 1,
      head_sha: t.head,
    });
    expect(existsSync(join(run.workspace, "reachdiff-report/comment.md"))).toBe(true);
  });

  it("workflow_run poster: takes only the PR number from the artifact, checks it against the API, then posts", async () => {
    fake.pulls.get(1)!.head.fork = true;
    const ws = mkdtempSync(join(tmpdir(), "reachdiff-ws-"));
    mkdirSync(join(ws, "reachdiff-report"));
    // A hostile artifact: extra fields and a forged comment are ignored; only the number is read.
    writeFileSync(
      join(ws, "reachdiff-report/pr.json"),
      JSON.stringify({ number: 1, head_sha: "0".repeat(40), comment: "@everyone pwned" }),
    );
    writeFileSync(join(ws, "reachdiff-report/comment.md"), "forged");
    const run = await runAction(
      "workflow_run",
      workflowRunCompletedEvent(target(), { headSha: t.head, workflow: "reachdiff" }),
      {},
      ws,
    );
    expect(refused()).toEqual([]);
    expect(run.code).toBe(0);
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    expect(fake.stickyComments(BOT)[0].body).not.toContain("pwned");
    expect(fake.checkRuns).toHaveLength(1);

    // An artifact pointing at another pull request (not at the workflow's head commit) is refused.
    fake.reset();
    const other = fake.commit(
      { "k8s/other.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n" },
      t.main,
    );
    fake.openPull(2, other);
    writeFileSync(join(ws, "reachdiff-report/pr.json"), JSON.stringify({ number: 2 }));
    const refusedRun = await runAction(
      "workflow_run",
      workflowRunCompletedEvent(target(), { headSha: t.head, workflow: "reachdiff" }),
      {},
      ws,
    );
    expect(refusedRun.stdout).toMatch(/nothing to do \(pull request #2 is not at/);
    // Nothing written: the one POST asks GraphQL who the token is.
    expect(fake.requests.filter((r) => r.method !== "GET" && r.operationId !== "graphql")).toEqual([]);
  });

  it("issue_comment: /reachdiff by a writer re-runs; by a reader is refused", async () => {
    fake.collaborators.set("writer", "write");
    fake.collaborators.set("reader", "read");
    const c = fake.addComment(1, "writer", "/reachdiff run");
    const run = await runAction(
      "issue_comment",
      issueCommentEvent(target(), { number: 1, commentId: c.id, body: c.body, login: "writer" }),
    );
    expect(refused()).toEqual([]);
    // The risk reaches fail-on, but the job runs on the default branch: the check run on the head carries it.
    expect(run.code).toBe(0);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: t.head, conclusion: "failure" });
    expect(fake.reactions.filter((r) => !r.deleted).map((r) => r.content)).toEqual(["hooray"]);
    expect(fake.stickyComments(BOT)).toHaveLength(1);

    fake.reset();
    const r = fake.addComment(1, "reader", "/reachdiff");
    const refusedRun = await runAction(
      "issue_comment",
      issueCommentEvent(target(), { number: 1, commentId: r.id, body: r.body, login: "reader" }),
    );
    expect(refusedRun.code).toBe(0);
    expect(fake.checkRuns).toEqual([]);
    expect(fake.comments.filter((x) => x.user.login === BOT).map((x) => x.body)).toEqual([
      expect.stringMatching(/only people with write access/),
    ]);
  });

  it("an invalid config fails the step and the check run with the key named; an absent one uses defaults", async () => {
    t = gh.seed("paths: [k8s/**/*.yaml]\nnot-a-key: 1\n");
    const run = await runAction("pull_request", prPayload());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/unknown key "not-a-key"/);
    expect(fake.checkRuns[0]).toMatchObject({ conclusion: "failure" });
    expect(fake.checkRuns[0].output.summary).toMatch(/not-a-key/);
  });

  it("the token is masked for the runner and appears nowhere else, also when requests fail", async () => {
    const token = fake.actionToken();
    fake.fail({ operation: "issues/list-comments", status: 500, times: 10 });
    const run = await runAction("pull_request", prPayload(), { token });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/The GitHub API answered 500 to GET \S+\/issues\/1\/comments \(after retries\)/);
    expect(run.stdout.split("\n").filter((l) => l.includes(token))).toEqual([`::add-mask::${token}`]);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(JSON.stringify(fake.checkRuns[0].output)).not.toContain(token);
  });

  it("an API 500 is retried", async () => {
    fake.fail({ operation: "pulls/get", status: 500 });
    const run = await runAction("pull_request", prPayload());
    // Read before the review (is the head still the pull request's?) and before publishing.
    expect(fake.calls("pulls/get").map((r) => r.status)).toEqual([500, 200, 200]);
    expect(run.code).toBe(1);
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("a read-only token (Dependabot, an organisation policy) computes only: summary and notice, no failure of its own", async () => {
    const token = fake.actionToken(BOT, { contents: "read", pull_requests: "read", checks: "read", metadata: "read" });
    const run = await runAction("pull_request", prPayload(), { token });
    expect(fake.requests.filter((r) => r.method !== "GET" && r.operationId !== "graphql").map((r) => r.status)).toEqual(
      [403, 403],
    );
    expect(fake.checkRuns).toEqual([]);
    expect(fake.comments).toEqual([]);
    expect(run.stdout).toMatch(/::notice::Reachdiff: the token cannot write here/);
    expect(run.summary).toContain("<!-- reachdiff:v1");
    expect(run.code).toBe(1); // by risk, as on a fork
    expect(run.stdout).toMatch(/::error::Reachdiff: (Critical|High) risk/);
  });

  it("finds its own login: with an App's token the second run edits the App's comment", async () => {
    const token = fake.actionToken("my-app[bot]");
    await runAction("pull_request", prPayload(), { token });
    const head2 = fake.commit(
      { "k8s/extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n" },
      t.head,
    );
    fake.push(1, head2);
    await runAction("pull_request", prPayload(), { token });
    expect(fake.stickyComments("my-app[bot]")).toHaveLength(1);
    expect(fake.stickyComments("my-app[bot]")[0].body).toContain(`head=${head2}`);
    expect(fake.calls("graphql")).toHaveLength(2);
  });

  it("a cancelled run (SIGINT, then SIGTERM 7.5 s later as the runner does) concludes its check run", async () => {
    fake.delay("codeload", 30_000);
    let child: ChildProcess | undefined;
    const running = runAction("pull_request", prPayload(), {}, undefined, (c) => (child = c));
    await until("the review to fetch", () => fake.calls("repos/download-tarball-archive").length > 0, 30_000);
    child!.kill("SIGINT");
    const term = setTimeout(() => child!.kill("SIGTERM"), 7500);
    const run = await running;
    clearTimeout(term);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(fake.checkRuns[0].output.summary).toMatch(/Re-run/);
    expect(run.code).toBe(1);
    expect(run.outputs.conclusion).toBe("cancelled");
  });

  it("merge_group: reviews the group's base...head, concludes a check run on the group's head, no comment; fails by risk", async () => {
    const group = fake.commit(
      { "k8s/queued.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: queued\n" },
      t.head,
    );
    const run = await runAction("merge_group", mergeGroupEvent(target(), { head: group, base: t.main, pr: 1 }));
    expect(refused()).toEqual([]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: group, external_id: "merge_group", conclusion: "failure" });
    expect(fake.comments).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.outputs.conclusion).toBe("failure");
  });
});
