// The shared review path against the loopback GitHub server, in process, with the Action's client.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actionClient } from "../../src/github/action-client.js";
import { handleEvent } from "../../src/github/events.js";
import { Pacer } from "../../src/github/pacing.js";
import { createSession } from "../../src/github/session.js";
import { FakeGitHub } from "../e2e/fake-github.js";
import { seedRepo, type TestRepo } from "../e2e/repo-fixture.js";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let fake: FakeGitHub;
let t: TestRepo;
let token: string;

function session(settings = {}) {
  return createSession({
    gh: actionClient(token, fake.url, quiet),
    repo: { owner: fake.owner, repo: fake.repo },
    botLogin: "github-actions[bot]",
    log: quiet,
    pacer: new Pacer(6000),
    settings,
  });
}
const prEvent = (action = "opened") => ({
  action,
  pull_request: {
    number: 1,
    head: { sha: fake.pulls.get(1)!.head.sha, repo: { full_name: fake.fullName } },
    base: { sha: t.main, ref: "main", repo: { full_name: fake.fullName } },
  },
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

describe("review(pr) in process", () => {
  it("comments once, checks, and fetches each side with one archive request", async () => {
    const r = await handleEvent(session(), "pull_request", prEvent());
    expect(r.kind).toBe("review");
    const bad = fake.requests.filter((x) => x.status >= 400 && x.operationId !== "repos/get-content");
    expect(bad).toEqual([]);
    expect(fake.stickyComments("github-actions[bot]")).toHaveLength(1);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.checkRuns[0].status).toBe("completed");
    expect(fake.fetchesOf(t.main).map((x) => x.operationId)).toEqual(["repos/download-tarball-archive", "codeload"]);
    expect(fake.fetchesOf(t.head).map((x) => x.operationId)).toEqual(["repos/download-tarball-archive", "codeload"]);
  });
});

describe("manifest errors", () => {
  it("a head manifest that cannot be read fails the check with an annotation at its file and line", async () => {
    const broken = fake.commit(
      { "k8s/broken.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  name: y\n" },
      t.main,
    );
    fake.push(1, broken);
    const r = await handleEvent(session(), "pull_request", prEvent("synchronize"));
    expect(r.kind).toBe("review");
    const run = fake.checkRuns[0];
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output.title).toMatch(/^Could not read .*k8s\/broken\.yaml/);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        path: "k8s/broken.yaml",
        annotation_level: "failure",
        title: "manifest cannot be read",
      }),
    );
    expect(fake.stickyComments("github-actions[bot]")).toHaveLength(1);
  });
});

describe("changed files", () => {
  it("when GitHub cuts the list at 300 files, the review does not trust it and reads both sides", async () => {
    const many = fake.commit(
      Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`docs/page-${i}.md`, `page ${i}\n`])),
      t.main,
    );
    fake.push(1, many);
    await handleEvent(session(), "pull_request", prEvent("synchronize"));
    expect(fake.calls("repos/download-tarball-archive")).toHaveLength(2);
    expect(fake.checkRuns[0]).toMatchObject({ conclusion: "success" });
  });
});
