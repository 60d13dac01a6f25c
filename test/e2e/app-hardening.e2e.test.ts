// Faults and abuse, end to end: the real probot server as a process against the loopback GitHub API,
// which injects 5xx bursts, answers past the client's timeout, rate limits with retry-after, commits
// that disappear, pull requests closed mid-run, comments deleted by users and concurrent deliveries;
// and hostile slash commands. Each case must end in a completed check run or a clear message, with
// never a crash and never a duplicate comment. The App runs at LOG_LEVEL=trace with a known private
// key, webhook secret and installation token, and no log line, comment or check run may carry them.
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Comment } from "./fake-github.js";
import { type AppProcess, quiet, SECRET, until, useGitHub } from "./harness.js";
import type { TestRepo } from "./repo-fixture.js";
import { deliver, issueCommentEvent, pullRequestEvent, validateWebhook } from "./webhooks.js";

const TOKEN = `ghs_known${"7".repeat(27)}`;
const BOT = "reachdiff-test[bot]";
const REQUEST_TIMEOUT_MS = 1500;
const gh = useGitHub({
  app: {
    env: {
      REACHDIFF_WRITES_PER_MINUTE: "6000",
      REACHDIFF_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      LOG_LEVEL: "trace",
    },
  },
  configure: (fake) => {
    fake.installationToken = TOKEN;
  },
});
const { fake, keys, target } = gh;
let app: AppProcess;
let t: TestRepo;
beforeEach(() => {
  ({ app, repo: t } = gh);
});
/** Everything probot answered to deliveries (GitHub shows it in the delivery log). */
const answers: string[] = [];

async function send(event: string, payload: Record<string, unknown>) {
  validateWebhook(event, payload);
  const res = await deliver(app.webhookUrl, SECRET, event, payload);
  answers.push(await res.text());
  expect([200, 202]).toContain(res.status);
  // probot answers 200 once the handler is done; 202 after 9 s, while it goes on.
  await settle(res.status === 202 ? 1500 : 300);
  return res.status;
}
const pushed = (head: string, number = 1, action: "opened" | "synchronize" = "synchronize") =>
  send("pull_request", pullRequestEvent(target(), action, { number, head, base: t.main }));
async function comment(body: string, login: string, options: { action?: "created" | "edited"; number?: number } = {}) {
  const c = fake.addComment(options.number ?? 1, login, body);
  await send(
    "issue_comment",
    issueCommentEvent(target(), {
      number: options.number ?? 1,
      commentId: c.id,
      body,
      login,
      action: options.action,
      before: "earlier text",
    }),
  );
  return c;
}
/**
 * Waits until the App has made no request for 1.5 s and has no check run in progress (work may go on
 * after probot answered, and a retry may be waiting out its back-off of up to 9 s).
 */
const settle = (quietMs = 1500) =>
  quiet(fake, { ms: quietMs, timeoutMs: 90_000, done: () => fake.checkRuns.every((r) => r.status === "completed") });
const replies = (): Comment[] =>
  fake.comments.filter((c) => c.user.login === BOT && !c.body.startsWith("<!-- reachdiff:v1"));
const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

afterAll(() => {
  if (process.env.REACHDIFF_DUMP_LOGS) writeFileSync(process.env.REACHDIFF_DUMP_LOGS, gh.app.logs.join("\n"));
});
afterEach(() => {
  expect(fake.stickyComments(BOT).length, "never more than one sticky comment").toBeLessThanOrEqual(1);
  expect(
    fake.checkRuns.filter((r) => r.status !== "completed"),
    "no check run left in progress",
  ).toEqual([]);
});

describe("faults on GitHub's side", () => {
  it("a burst of 5xx within the retry budget: every request still succeeds, one comment, one check run", async () => {
    fake.fail({ operation: "codeload", status: 502, body: { message: "Bad Gateway" }, times: 2 });
    fake.fail({ operation: "pulls/get", status: 500, times: 2 });
    fake.fail({ operation: "checks/create", status: 502, times: 1 });
    fake.fail({ operation: "issues/create-comment", status: 503, times: 1 });
    await pushed(t.head);
    expect(fake.calls("codeload").map((r) => r.status)).toEqual([502, 502, 200, 200]);
    expect(fake.calls("checks/create").map((r) => r.status)).toEqual([502, 201]);
    // Our runs on the head listed once before creating (none to adopt), once after the 502 (it was not created).
    expect(fake.calls("checks/list-for-ref")).toHaveLength(2);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure", head_sha: t.head });
    expect(fake.calls("issues/create-comment").map((r) => r.status)).toEqual([503, 201]);
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("answers slower than the client's timeout are abandoned and retried", async () => {
    fake.delay("pulls/get", REQUEST_TIMEOUT_MS * 2);
    fake.delay("repos/compare-commits-with-basehead", REQUEST_TIMEOUT_MS * 2);
    await pushed(t.head);
    expect(fake.calls("repos/compare-commits-with-basehead")).toHaveLength(2);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("a comment POST and a check-run POST that time out but went through are not repeated", async () => {
    // GitHub does the work, but answers after the client gave up: a blind retry would post twice.
    fake.delay("issues/create-comment", REQUEST_TIMEOUT_MS + 400);
    fake.delay("checks/create", REQUEST_TIMEOUT_MS + 400);
    await pushed(t.head);
    expect(fake.calls("checks/create")).toHaveLength(1);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.calls("issues/create-comment")).toHaveLength(1);
    expect(fake.comments.filter((c) => c.user.login === BOT)).toHaveLength(1);
  });

  it("GitHub that never answers in time: the check run ends with a clear message", async () => {
    fake.delay("repos/compare-commits-with-basehead", REQUEST_TIMEOUT_MS * 3, 10);
    await pushed(t.head);
    // 1 + 3 retries (the fake records a request when it answers, seconds after the App gave up on it).
    await until(
      "the last abandoned request",
      () => fake.calls("repos/compare-commits-with-basehead").length === 4,
      15_000,
    );
    expect(fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "Reachdiff could not review this change" },
    });
    expect(fake.checkRuns[0].output.summary).toMatch(
      /^GitHub did not answer GET (?:\/api\/v3)?\/repos\/octo-org\/k8s-config\/compare\/\S+ in time \(after retries\)/,
    );
    expect(fake.comments).toEqual([]);
  });

  it("a secondary rate limit asking for an hour ends the review at once, saying why; one that persists is given up", async () => {
    const started = Date.now();
    fake.fail({
      operation: "repos/compare-commits-with-basehead",
      status: 403,
      headers: { "retry-after": "3600" },
      body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
    });
    await pushed(t.head);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fake.calls("repos/compare-commits-with-basehead")).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.checkRuns[0].output.summary).toMatch(
      /rate limit asks to wait 3600 s before GET (?:\/api\/v3)?\/repos\/octo-org\/k8s-config\/compare\/\S+, longer than Reachdiff waits/,
    );

    fake.reset();
    fake.fail({
      operation: "pulls/get",
      status: 403,
      headers: { "retry-after": "1" },
      body: { message: "You have exceeded a secondary rate limit." },
      times: 50,
    });
    await pushed(t.head);
    expect(fake.calls("pulls/get").length).toBeLessThanOrEqual(6); // probot alone would retry for ever
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.checkRuns[0].output.summary).toMatch(
      /rate limit still refused GET (?:\/api\/v3)?\/repos\/octo-org\/k8s-config\/pulls\/1 after retries/,
    );
    expect(fake.comments).toEqual([]);
  });

  it("the head branch deleted (its commit gone) mid-run: a clear failure, no comment", async () => {
    fake.after.set("repos/compare-commits-with-basehead", (f) => f.commits.delete(t.head));
    await pushed(t.head);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.checkRuns[0].output.summary).toMatch(
      /Commit [0-9a-f]{7} or its base could not be read any more \(The GitHub API answered 404 to GET (?:\/api\/v3)?\/repos\/octo-org\/k8s-config\/tarball\/[0-9a-f]{40}/,
    );
    expect(fake.checkRuns[0].output.summary).toMatch(/branch deleted or force-pushed/);
    expect(fake.comments).toEqual([]);
  });

  it("a delivery for a commit that is already gone: no check run can exist, the App says so in its log and goes on", async () => {
    const gone = fake.commit({ "k8s/gone.yaml": ns("gone") }, t.main);
    fake.commits.delete(gone);
    fake.push(1, gone);
    await pushed(gone);
    expect(fake.calls("checks/create").map((r) => r.status)).toEqual([422]);
    expect(fake.checkRuns).toEqual([]);
    expect(fake.comments).toEqual([]);
    await until("the log line", () =>
      app.logs.some((l) => l.includes(`could not create the check run for #1 at ${gone.slice(0, 7)}`)),
    );
    // The App is still up and reviews the next delivery.
    fake.push(1, t.head);
    await pushed(t.head);
    expect(fake.checkRuns).toHaveLength(1);
  });

  it("a pull request closed mid-run: the check run completes and says so, no comment is posted", async () => {
    fake.after.set("repos/download-tarball-archive", (f) => f.close(1));
    await pushed(t.head);
    expect(fake.comments).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" }); // the verdict on that commit still holds
    expect(fake.checkRuns[0].output.summary).toMatch(
      /^The pull request was closed while this review ran, so no comment was posted\./,
    );
  });

  it("a pull request closed and its branch deleted mid-run: neutral, saying so", async () => {
    fake.after.set("repos/compare-commits-with-basehead", (f) => {
      f.close(1);
      f.commits.delete(t.head);
    });
    await pushed(t.head);
    expect(fake.comments).toEqual([]);
    expect(fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      output: { title: "Pull request closed during the review" },
    });
  });

  it("the sticky comment deleted by a user between listing and editing: posted anew, still exactly one", async () => {
    await pushed(t.head);
    const first = fake.stickyComments(BOT)[0];
    const head2 = fake.commit({ "k8s/extra.yaml": ns("extra") }, t.head);
    fake.push(1, head2);
    fake.after.set("issues/list-comments", (f) => {
      f.comments.splice(f.comments.indexOf(first), 1);
      f.after.delete("issues/list-comments");
    });
    await pushed(head2);
    expect(fake.calls("issues/update-comment").map((r) => r.status)).toEqual([404]);
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(sticky[0].id).not.toBe(first.id);
    expect(sticky[0].body).toContain(`head=${head2}`);
    expect(fake.checkRuns.at(-1)).toMatchObject({ head_sha: head2, status: "completed", conclusion: "failure" });
  });

  it("a command whose comment is deleted before the bot reacts still runs (reactions are a courtesy)", async () => {
    fake.collaborators.set("writer", "write");
    fake.after.set("repos/get-collaborator-permission-level", (f) => f.comments.splice(0, f.comments.length));
    await comment("/reachdiff", "writer");
    expect(fake.calls("reactions/create-for-issue-comment").every((r) => r.status === 404)).toBe(true);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it.each([
    ["in order", false],
    ["newest first", true],
  ])(
    "two deliveries for two heads of one pull request at once (%s): one comment, the newest head wins",
    async (_, newestFirst) => {
      const head1 = fake.commit({ "k8s/one.yaml": ns("one") }, t.head);
      const head2 = fake.commit({ "k8s/two.yaml": ns("two") }, head1);
      fake.push(1, head2);
      const heads = newestFirst ? [head2, head1] : [head1, head2];
      await Promise.all(
        heads.map((h) =>
          deliver(
            app.webhookUrl,
            SECRET,
            "pull_request",
            pullRequestEvent(target(), "synchronize", { number: 1, head: h, base: t.main }),
          ).then((r) => expect(r.status).toBe(200)),
        ),
      );
      await settle();
      const sticky = fake.stickyComments(BOT);
      expect(sticky).toHaveLength(1);
      expect(sticky[0].body.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${head2} -->`);
      expect(fake.calls("issues/create-comment")).toHaveLength(1);
      expect(fake.checkRuns.map((r) => r.head_sha).sort()).toEqual([head1, head2].sort());
      // Superseded before its review began (neutral, no work), or while it ran (not published).
      expect(fake.checkRuns.find((r) => r.head_sha === head1)!.output.summary).toMatch(
        /superseded by [0-9a-f]{7}|A newer commit \([0-9a-f]{7}\) was pushed while this review ran/,
      );
    },
  );

  it("a very large pull request (3,000 files): one archive per side, a comment within GitHub's size, annotations in batches of 50", async () => {
    const base: Record<string, string> = {};
    const head: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) {
      const space = `team-${i % 50}`;
      if (i % 120 === 0) {
        const name = `svc-${i}`;
        const dep = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${space}\nspec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        ports: [{containerPort: 8080}]\n`;
        const svc = (type: string) =>
          `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${space}\nspec:\n  type: ${type}\n  selector: {app: ${name}}\n  ports: [{port: 80, targetPort: 8080}]\n`;
        base[`k8s/${space}/${name}.yaml`] = dep + svc("ClusterIP");
        head[`k8s/${space}/${name}.yaml`] = dep + svc("LoadBalancer");
      } else {
        const cm = (v: string) =>
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${space}\ndata: {k: "${v}"}\n`;
        base[`k8s/${space}/cm-${i}.yaml`] = cm("a");
        head[`k8s/${space}/cm-${i}.yaml`] = cm("b");
      }
    }
    const root = fake.commit({ "README.md": "# big\n", ...base }, undefined, "big-root");
    fake.branches.set("main", root);
    const big = fake.commit(head, root, "big-head");
    fake.openPull(7, big);
    await pushed(big, 7, "opened");
    expect(fake.calls("repos/compare-commits-with-basehead")).toHaveLength(1);
    expect(fake.calls("repos/download-tarball-archive")).toHaveLength(2);
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(Buffer.byteLength(sticky[0].body)).toBeLessThanOrEqual(65_536);
    const run = fake.checkRuns[0];
    expect(run).toMatchObject({ head_sha: big, status: "completed", conclusion: "failure" });
    expect(run.annotations.length).toBeGreaterThan(50);
    const updates = fake.calls("checks/update");
    expect(
      updates.every(
        (u) => ((u.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length <= 50,
      ),
    ).toBe(true);
    expect(updates.at(-1)!.body).toMatchObject({ status: "completed" });
  }, 120_000);
});

describe("abuse through slash commands", () => {
  it("the author of a fork pull request, without write access, is refused and nothing runs", async () => {
    fake.pulls.get(1)!.head.fork = true;
    await comment("/reachdiff run", "fork-user");
    expect(fake.calls("repos/get-collaborator-permission-level").map((r) => r.status)).toEqual([404]);
    expect(replies().map((c) => c.body)).toEqual([expect.stringMatching(/^Sorry, only people with write access/)]);
    expect(fake.checkRuns).toEqual([]);
    expect(fake.calls("repos/download-tarball-archive")).toEqual([]);
  });

  it("an edited comment never runs a command, even by an admin", async () => {
    fake.collaborators.set("admin-person", "admin");
    await comment("/reachdiff", "admin-person", { action: "edited" });
    await comment("/reachdiff explain a/Deployment/x b/Deployment/y", "admin-person", { action: "edited" });
    expect(fake.requests.filter((r) => !r.operationId?.startsWith("apps/"))).toEqual([]);
  });

  it("commands quoted, in code, behind other text or in an HTML comment do nothing", async () => {
    fake.collaborators.set("writer", "write");
    for (const body of [
      "> /reachdiff run",
      ">/reachdiff",
      "~~~\n/reachdiff\n~~~",
      "<!-- /reachdiff -->",
      "- /reachdiff",
      "\u200b/reachdiff",
      "``/reachdiff``",
    ])
      await comment(body, "writer");
    expect(fake.requests.filter((r) => !r.operationId?.startsWith("apps/"))).toEqual([]);
  });

  /** The reply with Markdown code (fences and spans) and the hidden marker taken out: what GitHub renders as text. */
  const prose = (body: string) =>
    body
      .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "")
      .replace(/`[^`\n]*`/g, "")
      .replace(/<!-- reachdiff:reply to=\d+ -->$/, "");

  it("injection attempts in arguments: nothing runs, nobody is mentioned, the Markdown holds", async () => {
    fake.collaborators.set("writer", "write");
    const marker = join(tmpdir(), `reachdiff-pwned-${process.pid}`);
    const attempts = [
      `/reachdiff explain "$(touch ${marker})" ;@octo-org/admins <script>alert(1)</script>`,
      `/reachdiff explain $(touch${"${IFS}"}${marker}) @octo-org/admins`,
      "/reachdiff explain @octo-org/admins <img/src=x/onerror=alert(1)>",
      "/reachdiff explain ```\n@everyone",
      "/reachdiff explain a``` b```` 80",
      "/reachdiff explain a b 80;@octo-org/admins`|<b>",
      "/reachdiff @octo-org/admins`<script>",
    ];
    for (const body of attempts) await comment(body, "writer");
    expect(existsSync(marker)).toBe(false);
    const bodies = replies().map((c) => c.body);
    expect(bodies).toHaveLength(attempts.length);
    for (const body of bodies) {
      const text = prose(body);
      expect(text, body).not.toMatch(/@[\w-]/); // no mention outside code
      expect(text, body).not.toMatch(/<(?!!-- )/); // no HTML outside code
      expect(body.match(/^```/gm)?.length ?? 0, body).toBeLessThanOrEqual(2); // one fence at most, never broken
      expect(body.match(/^```/gm)?.length ?? 0, body).not.toBe(1);
    }
    expect(bodies[2]).toMatch(/^Explanation at [0-9a-f]{7}:\n\n```text\nno workload @octo-org\/admins/);
    expect(bodies[4]).toContain("a`\u200b``");
    expect(bodies[5]).toMatch(/^Reachdiff did not understand that: `80;@octo-org\/admins\|<b>` is not a port/);
    expect(bodies[6]).toMatch(/^Reachdiff did not understand that: unknown command `@octo-org\/admins<script>`/);
    expect(fake.checkRuns).toEqual([]);
  });

  it("very long arguments get a short reply", async () => {
    fake.collaborators.set("writer", "write");
    await comment(`/reachdiff explain ${"x".repeat(60_000)} shop/Deployment/web`, "writer");
    await comment(`/reachdiff explain a/Pod/x b/Pod/y ${"9".repeat(60_000)}`, "writer");
    await comment(`/reachdiff ${"frobnicate".repeat(6000)}`, "writer");
    const bodies = replies().map((c) => c.body);
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatch(/^Reachdiff did not understand that: an id is longer than 400 characters\./);
    for (const body of bodies) expect(body.length).toBeLessThan(2000);
    expect(fake.calls("repos/download-tarball-archive")).toEqual([]);
  });
});

describe("secrets", () => {
  it("request errors are logged, structured, without the token or the Authorization header", async () => {
    const before = app.logs.length;
    fake.collaborators.set("writer", "write");
    // Thrown out of the handler: probot logs the error object itself (with the request it made).
    fake.fail({ operation: "repos/get-collaborator-permission-level", status: 500, times: 10 });
    const c = fake.addComment(1, "writer", "/reachdiff");
    const payload = issueCommentEvent(target(), { number: 1, commentId: c.id, body: c.body, login: "writer" });
    const res = await deliver(app.webhookUrl, SECRET, "issue_comment", payload);
    answers.push(await res.text());
    await settle();
    // Caught and described by reachdiff: a failed check run creation, then a failed review.
    fake.fail({ operation: "checks/create", status: 401, body: { message: "Bad credentials" } });
    fake.fail({ operation: "issues/list-comments", status: 500, times: 10 });
    await pushed(t.head);
    const json = () =>
      app.logs
        .slice(before)
        .filter((l) => l.startsWith("{"))
        .map(
          (l) =>
            JSON.parse(l) as {
              level: number;
              msg?: string;
              err?: Record<string, unknown>;
              error?: Record<string, unknown>;
            },
        );
    await until("the errors to be logged", () => json().filter((l) => l.level >= 50).length >= 3, 40_000);
    const errors = json().filter((l) => l.level >= 50);
    // Reachdiff's own line: the error reduced to type, message, status, method and URL.
    const ours = errors.find((l) => l.msg?.startsWith("issue_comment.created failed: "))!;
    expect(ours.error).toEqual({
      type: "HttpError",
      message: expect.stringMatching(
        /^The GitHub API answered 500 to GET \S*\/collaborators\/writer\/permission \(after retries\)/,
      ),
      status: 500,
      request: { method: "GET", url: expect.stringMatching(/\/collaborators\/writer\/permission$/) },
    });
    // probot's line for the failed handler: a plain message, no request or response.
    const probots = errors.find((l) => l.err)!;
    expect(probots.err!.message).toMatch(/The GitHub API answered 500/);
    expect(JSON.stringify(probots.err)).not.toMatch(/headers|"request"|"response"/);
    expect(
      errors.some((l) =>
        /^review of #1 at [0-9a-f]{7} failed: The GitHub API answered 500 to GET \S+\/issues\/1\/comments/.test(
          l.msg ?? "",
        ),
      ),
    ).toBe(true);
  });

  it("no private key, webhook secret, installation token, JWT or Authorization header in any log line, comment, check run or delivery answer", async () => {
    // Runs last: looks at everything the App logged in this file (at trace level) and everything it wrote.
    const logs = app.logs.join("\n");
    const written = [
      ...fake.comments.map((c) => c.body),
      ...fake.checkRuns.flatMap((r) => [r.output.title ?? "", r.output.summary ?? "", JSON.stringify(r.annotations)]),
      ...answers,
    ].join("\n");
    const keyLines = keys.privateKey.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(10);
    const issued = [...fake.tokens.keys()];
    expect(issued).toContain(TOKEN);
    for (const text of [logs, written]) {
      for (const line of keyLines) expect(text).not.toContain(line);
      expect(text).not.toContain(SECRET);
      for (const token of issued) expect(text).not.toContain(token);
      expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/); // a JWT
      expect(text).not.toMatch(/"authorization"\s*:\s*"(?!\[REDACTED\]|(?:token|bearer) \[REDACTED\])/i);
    }
    expect(app.logs.length).toBeGreaterThan(100);
  });
});
