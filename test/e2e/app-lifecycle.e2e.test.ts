// The App through GitHub's whole lifecycle, end to end (the real probot process, signed deliveries,
// the loopback GitHub with installation tokens limited to app.yml's permissions): merge queues,
// retargets, drafts, re-runs of the suite, installs, redeliveries, bursts of pushes, closes, orphaned
// check runs and a shutdown in the middle of a review.
import { createServer } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { beforeEach, describe, expect, it } from "vitest";
import { type AppProcess, SECRET, until, useGitHub } from "./harness.js";
import type { TestRepo } from "./repo-fixture.js";
import {
  checkSuiteEvent,
  deliver,
  installationEvent,
  issueCommentEvent,
  mergeGroupEvent,
  pullRequestEvent,
} from "./webhooks.js";

const gh = useGitHub({ app: { env: { REACHDIFF_WRITES_PER_MINUTE: "600" } } });
const { fake, refused, send, settle, target } = gh;
let app: AppProcess;
let t: TestRepo;
beforeEach(() => {
  ({ app, repo: t } = gh);
});
const BOT = "reachdiff-test[bot]";

const pr = (
  action: Parameters<typeof pullRequestEvent>[1],
  head = t.head,
  extra: Partial<Parameters<typeof pullRequestEvent>[2]> = {},
) => pullRequestEvent(target(), action, { number: 1, head, base: t.main, ...extra });
const runsOn = (sha: string) => fake.checkRuns.filter((r) => r.head_sha === sha);
const manifest = (name: string) => ({
  [`k8s/${name}.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`,
});

describe("events", () => {
  it("merge_group.checks_requested: reviews base...head of the group, concludes a reachdiff run on its head, no comment", async () => {
    const group = fake.commit(manifest("queued"), t.head, "merge group commit");
    await send("merge_group", mergeGroupEvent(target(), { head: group, base: t.main, pr: 1 }));
    expect(refused()).toEqual([]);
    expect(runsOn(group)).toHaveLength(1);
    expect(runsOn(group)[0]).toMatchObject({
      name: "reachdiff",
      status: "completed",
      conclusion: "failure",
      external_id: "merge_group",
    });
    expect(fake.calls("repos/compare-commits-with-basehead")[0].path).toContain(`${t.main}...${group}`);
    expect(fake.comments).toEqual([]);
    expect(fake.calls("pulls/get")).toEqual([]);
  });

  it("pull_request.edited reviews again only when the base changed (a retarget)", async () => {
    await send("pull_request", pr("opened"));
    expect(fake.checkRuns).toHaveLength(1);
    const title = pr("edited");
    delete title.changes.base;
    title.changes.title = { from: "old title" };
    await send("pull_request", title);
    expect(fake.checkRuns).toHaveLength(1);
    await send("pull_request", pr("edited"));
    expect(fake.checkRuns).toHaveLength(2);
    expect(fake.checkRuns[1]).toMatchObject({ head_sha: t.head, status: "completed", conclusion: "failure" });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("a draft is reviewed when opened; ready_for_review makes no second run for the same head", async () => {
    fake.pulls.get(1)!.draft = true;
    await send("pull_request", pr("opened", t.head, { draft: true }));
    expect(fake.checkRuns).toHaveLength(1);
    fake.pulls.get(1)!.draft = false;
    await send("pull_request", pr("ready_for_review"));
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.calls("repos/compare-commits-with-basehead")).toHaveLength(1);
    await until("the log line", () => app.logs.some((l) => l.includes("already reviewed")));
  });

  it("check_suite.rerequested reviews the suite's pull requests again; requested only where the suite has no run", async () => {
    await send("pull_request", pr("opened"));
    const suite = fake.suiteOf(t.head);
    await send(
      "check_suite",
      checkSuiteEvent(target(), { id: suite, head: t.head, base: t.main, prs: [1], action: "requested" }),
    );
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.calls("checks/list-for-suite")).toHaveLength(1);
    await send(
      "check_suite",
      checkSuiteEvent(target(), { id: suite, head: t.head, base: t.main, prs: [1], action: "rerequested" }),
    );
    expect(fake.checkRuns).toHaveLength(2);
    expect(fake.checkRuns[1]).toMatchObject({ head_sha: t.head, status: "completed", conclusion: "failure" });

    // A suite requested for a head no pull_request event covered yet (e.g. missed while the App was down).
    const later = fake.commit(manifest("later"), t.head);
    fake.push(1, later);
    await send(
      "check_suite",
      checkSuiteEvent(target(), { id: fake.suiteOf(later), head: later, base: t.main, prs: [1], action: "requested" }),
    );
    expect(runsOn(later)).toHaveLength(1);
    expect(runsOn(later)[0]).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("installation.created and installation_repositories.added review every open pull request without a verdict", async () => {
    const head2 = fake.commit(manifest("second"), t.main);
    fake.openPull(2, head2);
    const docs = fake.commit({ "README.md": "# docs\n" }, t.main);
    fake.openPull(3, docs);
    fake.openPull(4, head2).state = "closed";
    await send("installation", installationEvent(target(), "installation", [fake.fullName]));
    await settle();
    expect(refused()).toEqual([]);
    expect(fake.calls("pulls/list")).toHaveLength(1);
    expect(fake.checkRuns.map((r) => [r.head_sha, r.external_id, r.status]).sort()).toEqual(
      [
        [t.head, "pr:1", "completed"],
        [head2, "pr:2", "completed"],
        [docs, "pr:3", "completed"],
      ].sort(),
    );
    // Adding the repository again (or another delivery) reviews nothing twice.
    await send("installation_repositories", installationEvent(target(), "installation_repositories", [fake.fullName]));
    await settle();
    expect(fake.checkRuns).toHaveLength(3);
    expect(fake.calls("pulls/list")).toHaveLength(2);
  });

  it("installation.created without a repository list asks GitHub which repositories it may see", async () => {
    const p = installationEvent(target(), "installation", []);
    delete p.repositories;
    await send("installation", p);
    await settle();
    expect(fake.calls("apps/list-repos-accessible-to-installation")).toHaveLength(1);
    expect(runsOn(t.head)).toHaveLength(1);
  });
});

describe("one review per pull request, the newest head wins", () => {
  it("a redelivered webhook (same X-GitHub-Delivery) is a no-op", async () => {
    const payload = pr("opened");
    await send("pull_request", payload, "delivery-1");
    const before = fake.requests.length;
    await send("pull_request", payload, "delivery-1");
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests.length).toBe(before);
    await until("the redelivery to be logged", () =>
      app.logs.some((l) => l.includes("delivery-1") && l.includes("handled before")),
    );
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("three quick pushes: the first is stopped, the second concluded without work, the third reviewed", async () => {
    const h2 = fake.commit(manifest("two"), t.head);
    const h3 = fake.commit(manifest("three"), h2);
    fake.delay("codeload", 4000);
    const first = send("pull_request", pr("opened"));
    await until("the first review to fetch", () => fake.calls("repos/download-tarball-archive").length > 0);
    fake.push(1, h3);
    const second = send("pull_request", pr("synchronize", h2));
    await until("the first review to be stopped", () =>
      app.logs.some((l) => l.includes(`review of ${t.head.slice(0, 7)} stopped`)),
    );
    const third = send("pull_request", pr("synchronize", h3));
    await Promise.all([first, second, third]);
    await settle();
    expect(refused().filter((r) => r.status !== 499)).toEqual([]);
    expect(runsOn(t.head)).toHaveLength(1);
    expect(runsOn(t.head)[0]).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      output: { title: `Superseded by ${h3.slice(0, 7)}` },
    });
    expect(runsOn(h2)).toHaveLength(1);
    expect(runsOn(h2)[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(fake.fetchesOf(h2)).toEqual([]);
    expect(runsOn(h3)).toHaveLength(1);
    expect(runsOn(h3)[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(sticky[0].body.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${h3} -->`);
  });

  it("closing the pull request stops the review in flight: neutral, no comment", async () => {
    fake.delay("codeload", 4000);
    const review = send("pull_request", pr("opened"));
    await until("the review to fetch", () => fake.calls("repos/download-tarball-archive").length > 0);
    fake.close(1);
    await send("pull_request", pr("closed"));
    await review;
    await settle();
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(fake.comments).toEqual([]);
  });

  it("a retarget during a review hands its check run to the review against the new base", async () => {
    fake.delay("codeload", 3000);
    const review = send("pull_request", pr("opened"));
    await until("the review to fetch", () => fake.calls("repos/download-tarball-archive").length > 0);
    await send("pull_request", pr("edited"));
    await review;
    await settle();
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.checkRuns[0].history.filter((s) => s === "completed")).toHaveLength(1);
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("a head with an orphaned in_progress reachdiff run (a crash) has it adopted, not a second one", async () => {
    fake.checkRuns.push({
      id: 777,
      name: "reachdiff",
      head_sha: t.head,
      status: "in_progress",
      conclusion: null,
      external_id: "pr:1",
      details_url: null,
      suite: fake.suiteOf(t.head),
      output: { title: "Reviewing exposure and reachability…", summary: "" },
      annotations: [],
      history: ["in_progress"],
    });
    await send("pull_request", pr("synchronize"));
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ id: 777, status: "completed", conclusion: "failure" });
    expect(fake.calls("checks/create")).toEqual([]);
  });

  it("the listing of our runs reads every page", async () => {
    for (let i = 0; i < 130; i++)
      fake.checkRuns.push({
        id: 5000 + i,
        name: "reachdiff",
        head_sha: t.head,
        status: "completed",
        conclusion: "neutral",
        external_id: `pr:${100 + i}`,
        details_url: "https://ci.example/details",
        suite: fake.suiteOf(t.head),
        output: { title: "other", summary: "" },
        annotations: [],
        history: ["completed"],
      });
    fake.checkRuns.push({
      id: 9000,
      name: "reachdiff",
      head_sha: t.head,
      status: "in_progress",
      conclusion: null,
      external_id: "pr:1",
      details_url: null,
      suite: fake.suiteOf(t.head),
      output: { title: "x", summary: "" },
      annotations: [],
      history: ["in_progress"],
    });
    await send("pull_request", pr("synchronize"));
    expect(fake.calls("checks/list-for-ref").length).toBeGreaterThanOrEqual(2);
    expect(fake.calls("checks/create")).toEqual([]);
    expect(fake.checkRuns.find((r) => r.id === 9000)).toMatchObject({ status: "completed", conclusion: "failure" });
  });
});

describe("archives", () => {
  it("the archive redirect crosses to another host: the download carries no Authorization header", async () => {
    await send("pull_request", pr("opened"));
    const downloads = fake.calls("codeload");
    expect(downloads).toHaveLength(2);
    expect(downloads.every((d) => d.status === 200 && d.authorized === false)).toBe(true);
    expect(new URL(fake.codeloadUrl).host).not.toBe(new URL(fake.url).host);
  });
});

describe("permissions", () => {
  it("installation tokens carry app.yml's permissions only; a call outside them is refused with 403", async () => {
    fake.installationPermissions = { metadata: "read", contents: "read", pull_requests: "write" };
    await send("pull_request", pr("opened"));
    expect(fake.calls("checks/list-for-ref").map((r) => r.status)).toEqual([403]);
    // The review still comments; the log says why no check run.
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    await until("the log line", () => app.logs.some((l) => l.includes("could not create the check run")));
    fake.installationPermissions = JSON.parse(JSON.stringify((await import("./fake-github.js")).APP_PERMISSIONS));
  });
});

describe("no stranded checks: SIGTERM", () => {
  const start = (grace: number) =>
    gh.startApp({ REACHDIFF_WRITES_PER_MINUTE: "600", REACHDIFF_SHUTDOWN_GRACE_MS: String(grace) });

  it("a review that outlives the grace period is concluded cancelled with how to re-run; after a restart the redelivery reviews it", async () => {
    const other = await start(500);
    fake.delay("codeload", 6000);
    const payload = pr("opened");
    const delivery = deliver(other.webhookUrl, SECRET, "pull_request", payload, { deliveryId: "deploy-1" }).catch(
      () => undefined,
    );
    await until("the review to fetch", () => fake.calls("repos/download-tarball-archive").length > 0);
    other.kill("SIGTERM");
    expect(await other.exited).toBe(0);
    await delivery;
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "cancelled",
      output: { title: "Reachdiff was stopped before it finished" },
    });
    expect(fake.checkRuns[0].output.summary).toMatch(/Re-run the check/);
    expect(fake.comments).toEqual([]);
    expect(other.logs.some((l) => l.includes("SIGTERM: Reachdiff takes no new work"))).toBe(true);

    // GitHub's "Redeliver" after the restart: the same delivery id, a new process: reviewed.
    const again = await start(500);
    try {
      await send("pull_request", payload, "deploy-1", again);
      await settle();
      expect(fake.checkRuns).toHaveLength(2);
      expect(fake.checkRuns[1]).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(fake.stickyComments(BOT)).toHaveLength(1);
    } finally {
      await again.stop();
    }
  });

  it("a review that ends within the grace period finishes normally before the process exits", async () => {
    const other = await start(30_000);
    fake.delay("codeload", 1500);
    const delivery = deliver(other.webhookUrl, SECRET, "pull_request", pr("opened")).catch(() => undefined);
    await until("the review to fetch", () => fake.calls("repos/download-tarball-archive").length > 0);
    other.kill("SIGTERM");
    expect(await other.exited).toBe(0);
    await delivery;
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });
});

describe("enterprise and networks", () => {
  it("file links use the instance's address from the payload (GitHub Enterprise Server)", async () => {
    const payload = pr("opened");
    payload.repository.html_url = `https://ghe.example.com/${fake.fullName}`;
    await send("pull_request", payload);
    const body = fake.stickyComments(BOT)[0].body;
    expect(body).toContain(`](https://ghe.example.com/${fake.fullName}/blob/${t.head}/k8s/`);
    expect(body).not.toContain(`https://github.com/${fake.fullName}`);
  });

  it("HTTP_PROXY routes every request of the App through the proxy (CONNECT); NO_PROXY bypasses it", async () => {
    const tunnels: string[] = [];
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on("connect", (req, socket: Socket, head) => {
      tunnels.push(String(req.url));
      const [host, port] = String(req.url).split(":");
      const upstream = connect(Number(port), host, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const start = (env: Record<string, string>) => gh.startApp(env);
    try {
      const proxied = await start({ HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl });
      try {
        await send("pull_request", pr("opened"), undefined, proxied);
        await settle();
      } finally {
        await proxied.stop();
      }
      // The API and the archive host, nothing else.
      expect(new Set(tunnels)).toEqual(new Set([new URL(fake.url).host, new URL(fake.codeloadUrl).host]));
      expect(fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });

      tunnels.length = 0;
      fake.reset();
      const direct = await start({ HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1,127.0.0.2" });
      try {
        await send("pull_request", pr("reopened"), undefined, direct);
        await settle();
      } finally {
        await direct.stop();
      }
      expect(tunnels).toEqual([]);
      expect(fake.checkRuns).toHaveLength(1);
    } finally {
      proxy.close();
    }
  });
});

describe("quiet by default", () => {
  const configMapOnly = () => {
    const files = Object.fromEntries([...fake.commits.get(t.main)!.files].filter(([k]) => k.startsWith("k8s/")));
    return fake.commit(
      {
        ...files,
        "k8s/settings.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  level: debug\n",
      },
      t.head,
      "configmap only",
    );
  };

  it("a change with no exposure or reachability change, no finding and no read error gets no comment; an existing one is updated", async () => {
    const quietHead = configMapOnly();
    fake.openPull(2, quietHead);
    await send("pull_request", pullRequestEvent(target(), "opened", { number: 2, head: quietHead, base: t.main }));
    expect(runsOn(quietHead)[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(fake.comments).toEqual([]);

    // PR #1 had a comment (a risky head); its next push has nothing to say: the comment follows it.
    await send("pull_request", pr("opened"));
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    fake.push(1, quietHead);
    await send("pull_request", pr("synchronize", quietHead));
    const sticky = fake.stickyComments(BOT);
    expect(sticky).toHaveLength(1);
    expect(sticky[0].body.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${quietHead} -->`);
  });

  it("comment.when: always comments on every review", async () => {
    t = gh.seed("comment: {when: always}\n");
    const quietHead = configMapOnly();
    fake.push(1, quietHead);
    await send("pull_request", pr("opened", quietHead));
    expect(fake.stickyComments(BOT)).toHaveLength(1);
  });

  it("a refused command gets a reaction every time, a reply once per person and pull request", async () => {
    fake.collaborators.set("reader", "read");
    for (let i = 0; i < 3; i++) {
      const c = fake.addComment(1, "reader", "/reachdiff");
      await send(
        "issue_comment",
        issueCommentEvent(target(), { number: 1, commentId: c.id, body: c.body, login: "reader" }),
      );
      expect(fake.reactions.filter((r) => r.comment_id === c.id).map((r) => r.content)).toEqual(["confused"]);
    }
    expect(fake.comments.filter((c) => c.user.login === BOT)).toHaveLength(1);
    expect(fake.checkRuns).toEqual([]);
  });

  it("REACHDIFF_REQUIRE_CONFIG: repositories without .github/reachdiff.yml are not reviewed at all", async () => {
    const strict = await gh.startApp({ REACHDIFF_REQUIRE_CONFIG: "true" });
    try {
      await send("pull_request", pr("opened"), undefined, strict);
      expect(fake.checkRuns).toEqual([]);
      expect(fake.comments).toEqual([]);
      expect(fake.calls("repos/compare-commits-with-basehead")).toEqual([]);

      t = gh.seed("fail-on: high\n");
      await send("pull_request", pr("opened"), undefined, strict);
      expect(fake.checkRuns).toHaveLength(1);
      expect(fake.stickyComments(BOT)).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });
});

describe("secondary rate limits", () => {
  it("the loopback GitHub refuses content-creating requests past the limit with a 403 and retry-after", async () => {
    fake.secondaryLimits = { writesPerMinute: 2, retryAfterSeconds: 7 };
    const token = fake.actionToken();
    const post = () =>
      fetch(`${fake.url}/repos/${fake.fullName}/issues/1/comments`, {
        method: "POST",
        headers: { authorization: `token ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ body: "hello" }),
      });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    const third = await post();
    expect(third.status).toBe(403);
    expect(third.headers.get("retry-after")).toBe("7");
    expect(((await third.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });

  it("writes paced at GitHub's limit never meet it: three pull requests at once all complete without a 403", async () => {
    fake.secondaryLimits = { writesPerMinute: 60, concurrent: 30, retryAfterSeconds: 60 };
    const paced = await gh.startApp({ REACHDIFF_WRITES_PER_MINUTE: "60" });
    try {
      const heads = [2, 3].map((n) => {
        const h = fake.commit(manifest(`pr${n}`), t.main, `pr ${n}`);
        fake.openPull(n, h);
        return h;
      });
      await Promise.all([
        send("pull_request", pr("opened"), undefined, paced),
        ...[2, 3].map((n, i) =>
          send(
            "pull_request",
            pullRequestEvent(target(), "opened", { number: n, head: heads[i], base: t.main }),
            undefined,
            paced,
          ),
        ),
      ]);
      await settle();
      expect(fake.requests.filter((r) => r.status === 403)).toEqual([]);
      expect(fake.checkRuns.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
    } finally {
      await paced.stop();
    }
  });
});
