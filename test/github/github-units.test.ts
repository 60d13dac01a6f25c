// The GitHub-side pieces one by one: command parsing, pacing, the fake API's strictness, annotation
// batching, comment modes, deadlines.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actionClient } from "../../src/github/action-client.js";
import { completeCheck, startCheck } from "../../src/github/check-run.js";
import { fetchManifests, touchesManifests } from "../../src/github/fetch-manifests.js";
import { guard, Pacer, RateLimited } from "../../src/github/pacing.js";
import { describeError } from "../../src/github/errors.js";
import { reviewPullRequest } from "../../src/github/review-pull-request.js";
import type { GitHub } from "../../src/github/types.js";
import { Octokit } from "@octokit/rest";
import { createSession } from "../../src/github/session.js";
import { parseSlashCommand } from "../../src/github/slash-command.js";
import { publishSticky } from "../../src/github/sticky-comment.js";
import type { Annotation } from "../../src/github/check-output.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import { seedRepo, type TestRepo } from "../e2e/repo-fixture.js";

describe("parseSlashCommand", () => {
  it.each([
    ["/reachdiff", { kind: "run" }],
    ["/reachdiff run\nthanks", { kind: "run" }],
    ["  /reachdiff help", { kind: "help" }],
    [
      "/reachdiff explain a/Deployment/x b/Deployment/y",
      { kind: "explain", from: "a/Deployment/x", to: "b/Deployment/y", protocol: "TCP" },
    ],
    [
      "/reachdiff explain a/Pod/x ip:10.0.0.1 53/udp",
      { kind: "explain", from: "a/Pod/x", to: "ip:10.0.0.1", port: 53, protocol: "UDP" },
    ],
  ])("%j", (body, expected) => expect(parseSlashCommand(body)).toEqual(expected));

  it.each([
    "> /reachdiff",
    "```\n/reachdiff\n```",
    "    /reachdiff",
    "\t/reachdiff",
    "`/reachdiff`",
    "hello\n/reachdiff",
    "/reachdiffer",
    "please /reachdiff",
    "",
  ])("ignores %j", (body) => expect(parseSlashCommand(body)).toBeNull());

  it("refuses ids longer than any Kubernetes id, and echoes at most 40 characters of a bad port", () => {
    expect(parseSlashCommand(`/reachdiff explain ${"a".repeat(401)} b/Pod/c`)).toEqual({
      kind: "invalid",
      reason: "an id is longer than 400 characters",
    });
    const bad = parseSlashCommand(`/reachdiff explain a/Pod/b c/Pod/d ${"9".repeat(1000)}`) as { reason: string };
    expect(bad.reason.length).toBeLessThan(100);
  });

  it("rejects bad arguments with a reason", () => {
    expect(parseSlashCommand("/reachdiff explain only-one")).toMatchObject({ kind: "invalid" });
    expect(parseSlashCommand("/reachdiff explain a b 70000")).toMatchObject({ kind: "invalid" });
    expect(parseSlashCommand("/reachdiff frobnicate")).toMatchObject({
      kind: "invalid",
      reason: "unknown command `frobnicate`",
    });
  });
});

describe("Pacer", () => {
  it("spaces content writes to 80 a minute", async () => {
    let clock = 0;
    const waits: number[] = [];
    const p = new Pacer(
      80,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      () => clock,
    );
    for (let i = 0; i < 5; i++) await p.slot();
    expect(waits).toEqual([750, 750, 750, 750]);
    expect(clock).toBe(3000);
  });
});

let fake: FakeGitHub;
let t: TestRepo;
let token: string;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const repo = () => ({ owner: fake.owner, repo: fake.repo });
const gh = () => actionClient(token, fake.url, quiet);
const raw = (method: string, path: string, body?: unknown) =>
  fetch(fake.url + path, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  fake = new FakeGitHub();
  await fake.start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  fake.commits.clear();
  t = seedRepo(fake);
  token = fake.actionToken();
});
afterEach(() => expect(fake.problems, "the fake GitHub API itself went wrong").toEqual([]));

describe("the loopback GitHub API rejects what GitHub would", () => {
  it("unknown route, wrong method, missing field, too-long body, 51 annotations, bad credentials", async () => {
    const r = `/repos/${fake.fullName}`;
    expect((await raw("GET", `${r}/no-such-thing`)).status).toBe(404);
    expect((await raw("PUT", `${r}/issues/1/comments`, { body: "x" })).status).toBe(404);
    expect((await raw("POST", `${r}/issues/1/comments`, {})).status).toBe(422);
    expect((await raw("POST", `${r}/issues/1/comments`, { body: "é".repeat(40_000) })).status).toBe(422);
    const annotation = { path: "k8s/a.yaml", start_line: 1, end_line: 1, annotation_level: "warning", message: "m" };
    const create = (n: number) =>
      raw("POST", `${r}/check-runs`, {
        name: "reachdiff",
        head_sha: t.head,
        output: { title: "t", summary: "s", annotations: Array(n).fill(annotation) },
      });
    expect((await create(51)).status).toBe(422);
    expect((await create(50)).status).toBe(201);
    expect(
      (await raw("POST", `${r}/check-runs`, { name: "reachdiff", head_sha: t.head, conclusion: "passed" })).status,
    ).toBe(422);
    expect(
      (
        await raw("POST", `${r}/check-runs`, {
          name: "reachdiff",
          head_sha: t.head,
          output: { title: "t", summary: "s".repeat(65_536) },
        })
      ).status,
    ).toBe(422);
    expect((await fetch(`${fake.url}${r}/pulls/1`, { headers: { authorization: "token wrong" } })).status).toBe(401);
  });
});

describe("fetching a side for rendering", () => {
  it("keeps the files no glob matches within a byte budget, and says how many it dropped", async () => {
    const sha = fake.commit(
      {
        "charts/web/templates/_helpers.tpl": '{{- define "x" -}}{{- end }}\n',
        "apps/web.env": "A=1\n",
        "docs/big.bin": "x".repeat(5000),
      },
      t.main,
    );
    const all = await fetchManifests(gh(), repo(), sha, ["k8s/**/*.yaml"], { maxInputBytes: 1 << 20 });
    expect(all.files.every((f) => f.name.startsWith("k8s/"))).toBe(true);
    expect(all.inputs.map((f) => f.name).sort()).toEqual([
      "README.md",
      "apps/web.env",
      "charts/web/templates/_helpers.tpl",
      "docs/big.bin",
    ]);
    expect(Buffer.from(all.inputs.find((f) => f.name === "apps/web.env")!.text).toString()).toBe("A=1\n");
    expect(all.diagnostics).toEqual([]);
    const some = await fetchManifests(gh(), repo(), sha, ["k8s/**/*.yaml"], { maxInputBytes: 1000 });
    expect(some.inputs.map((f) => f.name)).not.toContain("docs/big.bin");
    expect(some.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(/^1 file\(s\) that no path glob matches were not kept for rendering/),
      }),
    ]);
    expect((await fetchManifests(gh(), repo(), sha, ["k8s/**/*.yaml"])).inputs).toEqual([]);
  });

  it("reads only .yaml, .yml and .json as manifests whatever the glob; the other files it matches are render inputs", async () => {
    const sha = fake.commit(
      {
        "chart/README.md": "# a chart\n",
        "chart/OWNERS": "approvers: [a]\n",
        "chart/logo.svg": "<svg/>\n",
        "chart/web-0.1.0.tgz": "not yaml at all: [\n",
        "chart/values.json": "{}\n",
      },
      t.main,
    );
    const side = await fetchManifests(gh(), repo(), sha, ["chart/**"], { maxInputBytes: 1 << 20 });
    expect(side.files.map((f) => f.name).filter((n) => n.startsWith("chart/"))).toEqual(["chart/values.json"]);
    expect(side.inputs.map((f) => f.name)).toEqual(
      expect.arrayContaining(["chart/README.md", "chart/OWNERS", "chart/logo.svg", "chart/web-0.1.0.tgz"]),
    );
    expect(side.diagnostics).toEqual([]);
  });

  it("a change counts when it touches a watched file or what a render reads, not a ConfigMap generator's input or docs", () => {
    const globs = ["k8s/**/*.yaml"];
    const render = { commandGlobs: ["jsonnet/*"] };
    expect(touchesManifests(["k8s/a.yaml"], globs, false)).toBe(true);
    expect(touchesManifests(["README.md", "src/main.go"], globs, render)).toBe(false);
    expect(touchesManifests(["charts/web/templates/_helpers.tpl"], globs, render)).toBe(true);
    expect(touchesManifests(["charts/web/templates/_helpers.tpl"], globs, false)).toBe(false);
    expect(touchesManifests(["charts/web/templates/NOTES.txt"], globs, render)).toBe(true);
    expect(touchesManifests(["charts/web/charts/redis-1.0.0.tgz"], globs, render)).toBe(true);
    expect(touchesManifests(["apps/shop/Kustomization"], globs, render)).toBe(true);
    expect(touchesManifests(["apps/shop/web.env"], globs, render)).toBe(false);
    expect(touchesManifests(["jsonnet/prod/main.libsonnet"], globs, render)).toBe(true);
    expect(touchesManifests(["jsonnet/prod/lib/util.libsonnet"], globs, render)).toBe(true);
    expect(touchesManifests(["other/prod/main.libsonnet"], globs, render)).toBe(false);
  });
});

describe("check run", () => {
  it("sends 120 annotations in batches of 50 and concludes last", async () => {
    const id = await startCheck(gh(), repo(), t.head, 1);
    const annotations: Annotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: "k8s/services.yaml",
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: "warning",
      title: "t",
      message: `m${i}`,
    }));
    await completeCheck(gh(), repo(), id, { conclusion: "success", title: "ok", summary: "s", annotations });
    const updates = fake.calls("checks/update");
    expect(updates.map((u) => u.status)).toEqual([200, 200, 200]);
    expect(
      updates.map((u) => ((u.body as { output: { annotations: unknown[] } }).output.annotations ?? []).length),
    ).toEqual([50, 50, 20]);
    expect(updates.map((u) => (u.body as { conclusion?: string }).conclusion)).toEqual([
      undefined,
      undefined,
      "success",
    ]);
    expect(fake.checkRuns[0].annotations).toHaveLength(120);
  });
});

describe("check run limits", () => {
  it("caps annotations at 150, the most severe first, says how many were left out, and sends output.text", async () => {
    const id = await startCheck(gh(), repo(), t.head, 1);
    const levels = ["notice", "warning", "failure"] as const;
    const annotations: Annotation[] = Array.from({ length: 400 }, (_, i) => ({
      path: "k8s/services.yaml",
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: levels[i % 3],
      title: "t",
      message: `m${i}`,
    }));
    await completeCheck(gh(), repo(), id, {
      conclusion: "failure",
      title: "bad",
      summary: "s",
      text: "x".repeat(70_000),
      annotations,
    });
    const run = fake.checkRuns[0];
    expect(run.annotations).toHaveLength(150);
    const sent = run.annotations as Annotation[];
    expect(sent.slice(0, 133).every((a) => a.annotation_level === "failure")).toBe(true);
    expect(sent.slice(134).every((a) => a.annotation_level === "warning")).toBe(true);
    expect(fake.calls("checks/update")).toHaveLength(3);
    expect(run.output.summary).toMatch(/250 more annotation\(s\) left out \(the 150 most severe are shown\)/);
    expect(run.output.text).toHaveLength(65_535);
  });
});

describe("sticky comment modes", () => {
  const BOT = "github-actions[bot]";
  it("recreate deletes and posts; off does nothing; duplicates are cleaned up", async () => {
    const first = await publishSticky(gh(), repo(), 1, "<!-- reachdiff:v1 head=abcdef1 -->\none", {
      mode: "update",
      botLogin: BOT,
    });
    expect(first.action).toBe("created");
    expect(
      (
        await publishSticky(gh(), repo(), 1, "<!-- reachdiff:v1 head=abcdef1 -->\none", {
          mode: "update",
          botLogin: BOT,
        })
      ).action,
    ).toBe("unchanged");
    const again = await publishSticky(gh(), repo(), 1, "<!-- reachdiff:v1 head=abcdef2 -->\ntwo", {
      mode: "recreate",
      botLogin: BOT,
    });
    expect(again.action).toBe("recreated");
    expect(fake.stickyComments(BOT).map((c) => c.id)).toEqual([again.id]);
    expect((await publishSticky(gh(), repo(), 1, "x", { mode: "off", botLogin: BOT })).action).toBe("skipped");
    fake.addComment(1, BOT, "<!-- reachdiff:v1 head=abcdef3 -->\nduplicate");
    const updated = await publishSticky(gh(), repo(), 1, "<!-- reachdiff:v1 head=abcdef4 -->\nfour", {
      mode: "update",
      botLogin: BOT,
    });
    expect(fake.stickyComments(BOT)).toHaveLength(1);
    expect(fake.stickyComments(BOT)[0]).toMatchObject({ id: updated.id, body: expect.stringContaining("four") });
  });
});

describe("guard (the Action's client)", () => {
  const guarded = () => guard(gh(), { pacer: new Pacer(6000), requestTimeoutMs: 400 });
  it("abandons an attempt GitHub does not answer in time; the retry plugin tries again", async () => {
    fake.delay("pulls/get", 1200);
    const { data } = await guarded().rest.pulls.get({ ...repo(), pull_number: 1 });
    expect(data.head.sha).toBe(t.head);
    await new Promise((r) => setTimeout(r, 1000));
    expect(fake.calls("pulls/get")).toHaveLength(2);
  });

  it("a rate limit asking for longer than it waits fails at once with RateLimited", async () => {
    fake.fail({
      operation: "pulls/get",
      status: 429,
      headers: { "retry-after": "900" },
      body: { message: "You have exceeded a secondary rate limit." },
    });
    const started = Date.now();
    const error = await guarded()
      .rest.pulls.get({ ...repo(), pull_number: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(error).toMatchObject({
      waitSeconds: 900,
      persistent: false,
      what: "GET /repos/octo-org/k8s-config/pulls/1",
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("guard (a bare client, no plugins)", () => {
  it("a secondary limit without retry-after, told by its message, is waited out twice, then described as persisting", async () => {
    fake.fail({
      operation: "pulls/get",
      status: 403,
      body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
      times: 5,
    });
    const waits: number[] = [];
    const bare = guard(new Octokit({ auth: token, baseUrl: fake.url }) as unknown as GitHub, {
      pacer: new Pacer(6000),
      sleep: async (ms) => void waits.push(ms),
    });
    const error = await bare.rest.pulls.get({ ...repo(), pull_number: 1 }).catch((e: unknown) => e);
    expect(waits).toEqual([60_000, 60_000]);
    expect(fake.calls("pulls/get")).toHaveLength(3);
    expect(describeError(error)).toMatch(
      /^GitHub's rate limit still refused GET \/repos\/octo-org\/k8s-config\/pulls\/1 after retries\./,
    );
  });
});

describe("deadline", () => {
  it("a review that outlives its deadline ends as timed_out with a message", async () => {
    fake.slow.push({ pattern: /\/tarball\//, ms: 1500 });
    const session = createSession({
      gh: gh(),
      repo: repo(),
      botLogin: "github-actions[bot]",
      log: quiet,
      pacer: new Pacer(6000),
      settings: { timeoutMs: 500 },
    });
    const outcome = await reviewPullRequest(session, { number: 1, headSha: t.head, baseSha: t.main, baseRef: "main" });
    expect(outcome.status).toBe("failed");
    expect(fake.checkRuns[0]).toMatchObject({
      status: "completed",
      conclusion: "timed_out",
      output: { title: "Reachdiff timed out" },
    });
    expect(fake.comments).toEqual([]);
  });
});
