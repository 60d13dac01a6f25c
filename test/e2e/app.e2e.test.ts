// The GitHub App end to end: the real probot server as a process, signed webhook deliveries over
// HTTP (payloads from GitHub's examples, validated against GitHub's schemas), and a loopback GitHub
// API that validates every request the bot makes against GitHub's OpenAPI description.
import { beforeEach, describe, expect, it } from "vitest";
import { type AppProcess, SECRET, until, useGitHub } from "./harness.js";
import type { TestRepo } from "./repo-fixture.js";
import { checkRunRerequestedEvent, deliver, issueCommentEvent, pullRequestEvent } from "./webhooks.js";

const gh = useGitHub({ app: { env: { REACHDIFF_WRITES_PER_MINUTE: "600" } } });
const { fake, refused, send, target } = gh;
let app: AppProcess;
let t: TestRepo;
beforeEach(() => {
  ({ app, repo: t } = gh);
});
const BOT = "reachdiff-test[bot]";

const opened = (head = t.head, action: "opened" | "synchronize" = "opened", number = 1) =>
  send("pull_request", pullRequestEvent(target(), action, { number, head, base: t.main }));
const comment = async (body: string, login: string, type: "User" | "Bot" = "User") => {
  const c = fake.addComment(1, login, body);
  await send("issue_comment", issueCommentEvent(target(), { number: 1, commentId: c.id, body, login, type }));
  return c;
};
const fetchRequests = () =>
  fake.requests.filter((r) =>
    ["repos/compare-commits-with-basehead", "repos/download-tarball-archive"].includes(r.operationId ?? ""),
  );

describe("the probot App", () => {
  it("ignores a delivery with a bad signature", async () => {
    const payload = pullRequestEvent(target(), "opened", { number: 1, head: t.head, base: t.main });
    const res = await deliver(app.webhookUrl, SECRET, "pull_request", payload, {
      signature: `sha256=${"0".repeat(64)}`,
    });
    expect(res.status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests).toEqual([]);
  });

  it("ignores a delivery without an installation (it would get an unauthenticated client)", async () => {
    const payload = pullRequestEvent(target(), "opened", { number: 1, head: t.head, base: t.main });
    delete payload.installation;
    await send("pull_request", payload);
    expect(fake.requests).toEqual([]);
    await until("the warning to be logged", () => app.logs.some((l) => l.includes("event without an installation")));
  });

  it("PR opened: one sticky comment and a failing check with annotations; each side fetched with one archive request", async () => {
    await opened();
    expect(refused()).toEqual([]);
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(sticky[0].body.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${t.head} -->`);
    expect(fake.checkRuns).toHaveLength(1);
    const run = fake.checkRuns[0];
    expect(run).toMatchObject({
      name: "reachdiff",
      head_sha: t.head,
      status: "completed",
      conclusion: "failure",
      external_id: "pr:1",
    });
    expect(run.history[0]).toBe("in_progress");
    expect(run.output.title).toMatch(/^Critical risk|^High risk/);
    expect(run.output.summary).toContain("| Severity | Rule | Finding | Where |");
    expect(run.annotations.length).toBeGreaterThan(0);
    expect(run.annotations[0]).toMatchObject({ path: expect.stringMatching(/^k8s\//), start_line: expect.any(Number) });
    // Config read from the base branch's commit, never the head.
    expect(fake.calls("repos/get-content").map((r) => [r.path, r.query.ref])).toEqual([
      [`/repos/${fake.fullName}/contents/.github%2Freachdiff.yml`, t.main],
    ]);
    // Fetch budget: one compare, then one archive request (+ its download) per side.
    expect(fake.fetchesOf(t.main).map((r) => r.operationId)).toEqual(["repos/download-tarball-archive", "codeload"]);
    expect(fake.fetchesOf(t.head).map((r) => r.operationId)).toEqual(["repos/download-tarball-archive", "codeload"]);
    expect(fetchRequests()).toHaveLength(3);
  });

  it("a new push updates the same comment (never a second one) and checks the new head", async () => {
    await opened();
    const first = fake.stickyComments(BOT)[0];
    const head2 = fake.commit(
      { "k8s/extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n" },
      t.head,
    );
    fake.push(1, head2);
    await opened(head2, "synchronize");
    expect(refused()).toEqual([]);
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(sticky[0].id).toBe(first.id);
    expect(sticky[0].body).toContain(`head=${head2}`);
    expect(fake.calls("issues/update-comment")).toHaveLength(1);
    expect(fake.calls("issues/create-comment")).toHaveLength(1);
    expect(fake.checkRuns.map((r) => r.head_sha)).toEqual([t.head, head2]);
  });

  it("finds its comment on a later page and ignores look-alikes by other users", async () => {
    await opened();
    const mine = fake.stickyComments(BOT)[0];
    fake.comments.splice(fake.comments.indexOf(mine), 1);
    for (let i = 0; i < 120; i++) fake.addComment(1, "someone", `comment ${i}`);
    fake.addComment(1, "impostor", `<!-- reachdiff:v1 head=${t.head} -->\nfake`);
    fake.comments.push(mine);
    await send("pull_request", pullRequestEvent(target(), "reopened", { number: 1, head: t.head, base: t.main }));
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    expect(fake.calls("issues/list-comments").length).toBeGreaterThanOrEqual(2);
    expect(fake.comments.find((c) => c.user.login === "impostor")!.body).toContain("fake");
  });

  it("a push that removes every manifest change updates the comment to say so, without fetching archives", async () => {
    await opened();
    const back = fake.commit(
      Object.fromEntries([...fake.commits.get(t.main)!.files].filter(([k]) => k.startsWith("k8s/"))),
      t.head,
      "revert",
    );
    fake.push(1, back);
    fake.requests.length = 0;
    await opened(back, "synchronize");
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    expect(fake.stickyComments(BOT)[0].body).toMatch(/changes no watched Kubernetes manifest/);
    expect(fake.calls("repos/download-tarball-archive")).toEqual([]);
    expect(fake.checkRuns.at(-1)).toMatchObject({
      head_sha: back,
      conclusion: "success",
      output: { title: "No watched manifest changed" },
    });
  });

  it("a PR touching no manifest gets a quick success and no comment", async () => {
    const docs = fake.commit({ "README.md": "# docs only\n" }, t.main);
    fake.openPull(2, docs);
    await opened(docs, "opened", 2);
    expect(refused()).toEqual([]);
    expect(fake.comments).toEqual([]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: docs, conclusion: "success" });
    expect(fake.calls("repos/download-tarball-archive")).toEqual([]);
    expect(
      fake.requests.filter(
        (r) => r.operationId !== "apps/create-installation-access-token" && r.operationId !== "apps/get-authenticated",
      ).length,
    ).toBeLessThanOrEqual(8); // pull request, our runs on the head, create, config, compare, pull request, update
  });

  it("/reachdiff by a writer re-runs on the current head with eyes, then hooray", async () => {
    fake.collaborators.set("writer", "write");
    const c = await comment("/reachdiff", "writer");
    expect(refused()).toEqual([]);
    expect(fake.calls("repos/get-collaborator-permission-level")).toHaveLength(1);
    const reactions = fake.reactions.filter((r) => r.comment_id === c.id);
    expect(reactions.map((r) => [r.content, r.deleted])).toEqual([
      ["eyes", true],
      ["hooray", false],
    ]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0].head_sha).toBe(t.head);
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("/reachdiff explain replies with the explanation; /reachdiff help with the help", async () => {
    fake.collaborators.set("admin-person", "admin");
    await comment("/reachdiff explain shop/Deployment/web shop/StatefulSet/db 5432", "admin-person");
    const reply = fake.comments.filter((c) => c.user.login === BOT).at(-1)!;
    expect(reply.body).toMatch(/^Explanation at [0-9a-f]{7}:/);
    expect(reply.body).toMatch(/shop\/Deployment\/web -> shop\/StatefulSet\/db/);
    await comment("/reachdiff help", "admin-person");
    expect(fake.comments.filter((c) => c.user.login === BOT).at(-1)!.body).toContain("**Reachdiff commands**");
    expect(fake.checkRuns).toEqual([]);
    expect(refused()).toEqual([]);
  });

  it("a reader gets a polite refusal and nothing runs", async () => {
    fake.collaborators.set("reader", "read");
    const c = await comment("/reachdiff run", "reader");
    const replies = fake.comments.filter((x) => x.user.login === BOT);
    expect(replies).toHaveLength(1);
    expect(replies[0].body).toMatch(/only people with write access/);
    expect(fake.reactions.filter((r) => r.comment_id === c.id).map((r) => r.content)).toEqual(["confused"]);
    expect(fake.checkRuns).toEqual([]);
    expect(fetchRequests()).toEqual([]);
  });

  it("commands from bots, in quotes, in code or not on the first line do nothing", async () => {
    fake.collaborators.set("writer", "write");
    await comment("/reachdiff", "some-bot[bot]", "Bot");
    await comment("> /reachdiff\nquoted", "writer");
    await comment("```\n/reachdiff\n```", "writer");
    await comment("    /reachdiff", "writer");
    await comment("`/reachdiff`", "writer");
    await comment("please run\n/reachdiff", "writer");
    expect(fake.requests.filter((r) => !r.operationId?.startsWith("apps/"))).toEqual([]);
  });

  it("check_run.rerequested re-runs the review on the pull request's head", async () => {
    await opened();
    const run = fake.checkRuns[0];
    await send(
      "check_run",
      checkRunRerequestedEvent(target(), { id: run.id, headSha: t.head, externalId: "pr:1", number: 1, base: t.main }),
    );
    expect(fake.checkRuns).toHaveLength(2);
    expect(fake.checkRuns[1]).toMatchObject({ head_sha: t.head, status: "completed", external_id: "pr:1" });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("retries an API 500 and completes", async () => {
    fake.fail({ operation: "repos/compare-commits-with-basehead", status: 500, body: { message: "Server Error" } });
    await opened();
    const compares = fake.calls("repos/compare-commits-with-basehead").map((r) => r.status);
    expect(compares).toEqual([500, 200]);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("waits out a 403 rate limit and completes", async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    fake.fail({
      operation: "checks/create",
      status: 403,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": reset },
      body: { message: "API rate limit exceeded for installation ID 31337." },
    });
    fake.fail({
      operation: "issues/create-comment",
      status: 403,
      headers: { "retry-after": "1" },
      body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
    });
    await opened();
    expect(fake.calls("checks/create").map((r) => r.status)).toEqual([403, 201]);
    expect(fake.calls("issues/create-comment").map((r) => r.status)).toEqual([403, 201]);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0].status).toBe("completed");
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("an API error that persists after retries ends the check run with a clear message", async () => {
    fake.fail({
      operation: "repos/download-tarball-archive",
      status: 502,
      body: { message: "Bad Gateway" },
      times: 10,
    });
    await opened();
    await until("the check run to complete", () => fake.checkRuns[0]?.status === "completed", 40_000);
    // Both sides at once, each 1 + 3 retries.
    expect(fake.calls("repos/download-tarball-archive").map((r) => r.status)).toEqual(Array(8).fill(502));
    expect(fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "Reachdiff could not review this change" },
    });
    expect(fake.checkRuns[0].output.summary).toMatch(/GitHub API answered 502/);
    expect(fake.comments).toEqual([]);
  });

  it("an invalid config in the base branch fails the check naming the key; a config in the head is ignored", async () => {
    t = gh.seed("fail-on: sometimes\n");
    await opened();
    expect(fake.checkRuns[0]).toMatchObject({
      conclusion: "failure",
      output: { title: "Reachdiff could not review this change" },
    });
    expect(fake.checkRuns[0].output.summary).toMatch(/fail-on.*must be one of/);
    expect(fake.comments).toEqual([]);

    t = gh.seed("fail-on: none\ncomment: {mode: off}\n");
    const head = fake.commit({ ".github/reachdiff.yml": "fail-on: info\n" }, t.head);
    fake.push(1, head);
    await opened(head);
    expect(fake.checkRuns[0].conclusion).toBe("success"); // base's fail-on: none, not the head's info
    expect(fake.comments).toEqual([]); // base's comment mode: off
  });

  it("does not publish a stale result when a newer commit arrives during the review", async () => {
    const newer = fake.commit(
      { "k8s/late.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: late\n" },
      t.head,
    );
    fake.after.set("repos/download-tarball-archive", (f) => f.push(1, newer));
    await opened();
    expect(fake.comments).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({ head_sha: t.head, status: "completed" });
    expect(fake.checkRuns[0].output.summary).toMatch(/newer commit/);
  });
});
