// The App fails closed: a pull request whose base and head render nothing (a kustomization whose only
// resource is a remote base, refused) is "could not analyse" in the comment and the check, never
// "No change" and never a success: failure by default, neutral with fail-on-unanalysed: false in the
// base branch's configuration. The real probot process and the loopback GitHub.
import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "./fake-github.js";
import { type GitHubTest, useGitHub } from "./harness.js";
import { pullRequestEvent } from "./webhooks.js";

const BOT = "reachdiff-test[bot]";
const REMOTE = "https://github.com/example/platform//deploy/base?ref=v1.2.0";
const kustomization = (label: string) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${REMOTE}\ncommonLabels:\n  team: ${label}\n`;

let gh: GitHubTest;
let fake: FakeGitHub;

/** main with the remote-only kustomization (and the configuration, when given); a PR that edits it. */
async function openPull(config?: string) {
  const main = fake.commit({
    "README.md": "# deploy\n",
    "k8s/kustomization.yaml": kustomization("shop"),
    ...(config === undefined ? {} : { ".github/reachdiff.yml": config }),
  });
  fake.branches.set("main", main);
  const head = fake.commit({ "k8s/kustomization.yaml": kustomization("payments") }, main);
  fake.openPull(1, head);
  await gh.send("pull_request", pullRequestEvent(gh.target(), "opened", { number: 1, head, base: main }));
  return head;
}

describe("the App fails closed when nothing could be read", () => {
  gh = useGitHub({ app: { env: { REACHDIFF_WRITES_PER_MINUTE: "600" } }, seed: false });
  fake = gh.fake;
  it("base and head render nothing: the check fails and the comment says it could not analyse, never 'No change'", async () => {
    const head = await openPull();
    expect(gh.refused()).toEqual([]);
    const run = fake.checkRuns.at(-1)!;
    expect(run).toMatchObject({ head_sha: head, status: "completed", conclusion: "failure" });
    expect(run.output.summary).toContain("Could not analyse");
    expect(run.output.summary).toContain("remote reference refused");
    const comment = fake.stickyComments(BOT)[0].body;
    expect(comment).toContain("Could not analyse this change");
    expect(comment).toContain("allow-remote-bases");
    expect(comment).not.toMatch(/No change/);
    expect(comment).not.toContain("✅");
  });

  it("with fail-on-unanalysed: false the check is neutral, still never a success", async () => {
    const head = await openPull("fail-on-unanalysed: false\n");
    const run = fake.checkRuns.at(-1)!;
    expect(run).toMatchObject({ head_sha: head, status: "completed", conclusion: "neutral" });
    const comment = fake.stickyComments(BOT)[0].body;
    expect(comment).toContain("Could not analyse this change");
    expect(comment).not.toMatch(/No change/);
  });
});
