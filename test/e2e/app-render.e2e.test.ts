// The App on a Kustomize repository: what it reviews is the rendered output of each side, rendered
// with the real kubectl kustomize from the files of each side's archive (manifests and the other files
// a render reads), in a private temporary folder.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeGitHub } from "./fake-github.js";
import { type GitHubTest, until, useGitHub } from "./harness.js";
import { issueCommentEvent, pullRequestEvent } from "./webhooks.js";

const FIXTURE = join(import.meta.dirname, "../../fixtures/render/overlays");
const BOT = "reachdiff-test[bot]";
const hasKustomize = (() => {
  for (const argv of [
    ["kustomize", "version"],
    ["kubectl", "version", "--client"],
  ])
    try {
      execFileSync(argv[0], argv.slice(1), { stdio: "ignore" });
      return true;
    } catch {
      // try the next
    }
  return false;
})();

/** A fixture side as the files of a commit. */
function tree(side: string): Record<string, string> {
  const root = join(FIXTURE, side);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p, "utf8");
    }
  };
  walk(root);
  return out;
}

/** The prod overlay also generates a ConfigMap from an .env file: a render input no manifest glob matches. */
function withGenerator(files: Record<string, string>, env = "LOG_LEVEL=info\n"): Record<string, string> {
  const k = "apps/shop/overlays/prod/kustomization.yaml";
  return {
    ...files,
    [k]: `${files[k]}configMapGenerator:\n  - name: web-settings\n    envs: [web.env]\n`,
    "apps/shop/overlays/prod/web.env": env,
  };
}

let gh: GitHubTest;
let fake: FakeGitHub;
let main: string;
const target = () => gh.target();
const send = (event: string, payload: Record<string, unknown>) => gh.send(event, payload);
const open = (files: Record<string, string>) => {
  const head = fake.commit(files, main);
  fake.openPull(1, head);
  return send("pull_request", pullRequestEvent(target(), "opened", { number: 1, head, base: main })).then(() => head);
};
const archives = () => fake.calls("repos/download-tarball-archive");

describe.skipIf(!hasKustomize)("the App renders Kustomize roots of each side", () => {
  gh = useGitHub({ app: { env: { REACHDIFF_WRITES_PER_MINUTE: "600" } }, seed: false });
  fake = gh.fake;
  beforeEach(() => {
    main = fake.commit({ "README.md": "# shop\n", ...withGenerator(tree("base")) });
    fake.branches.set("main", main);
  });

  it("a PR that changes only an overlay is reviewed on the rendered output, with findings pointing at the source files", async () => {
    const head = await open(withGenerator(tree("head-overlay")));
    const run = fake.checkRuns.at(-1)!;
    expect(run).toMatchObject({ head_sha: head, status: "completed", conclusion: "failure" });
    expect(run.output.title).toMatch(/^Critical risk/);
    // The namespace and name prefix come from the overlay: only a render knows the database as shop-prod/prod-db.
    const comment = fake.stickyComments(BOT)[0].body;
    expect(comment).toContain("prod-db");
    expect(comment).not.toMatch(/could not be rendered|could not render/);
    // prod and staging are alternatives, each its own cluster: staging, untouched, is one line.
    expect(comment).toContain("apps/shop/overlays/staging: no change");
    expect(comment).not.toContain("shop-staging/");
    const annotations = run.annotations as { title: string; path: string }[];
    expect(annotations.every((a) => a.title.endsWith("[apps/shop/overlays/prod]"))).toBe(true);
    expect(annotations.map((a) => a.path)).toContain("apps/shop/base/db.yaml");
    // Still one compare and one archive request per side, whatever rendering needs.
    expect(archives()).toHaveLength(2);
    expect(fake.calls("repos/compare-commits-with-basehead")).toHaveLength(1);
  });

  it("a kustomization the head breaks: the check fails, saying which root could not be rendered, and the rest is analysed", async () => {
    await open(withGenerator(tree("head-broken")));
    const run = fake.checkRuns.at(-1)!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("render-failed");
    expect(run.output.summary).toContain("apps/shop/overlays/prod/kustomization.yaml");
    expect(run.output.summary).not.toMatch(/\/tmp\/|reachdiff-render/);
    expect(fake.stickyComments(BOT)[0].body).toContain("apps/shop/overlays/prod/kustomization.yaml");
  });

  it("the files a render reads besides manifests reach it: without web.env in the archive the prod overlay would not render", async () => {
    const head = withGenerator(tree("head-overlay"), "LOG_LEVEL=debug\n");
    await open(head);
    expect(fake.checkRuns.at(-1)!.output.summary).not.toContain("render-failed");
    // The same head without the .env file: kustomize refuses the generator, and the review says so.
    fake.reset();
    await open({ ...head, "apps/shop/overlays/prod/web.env": "\0delete" });
    const summary = fake.checkRuns.at(-1)!.output.summary;
    expect(summary).toContain("render-failed");
    expect(summary).toMatch(/web\.env/);
  });

  it("a PR that changes only a Helm helper template is reviewed (archives fetched), not waved through as touching no manifest", async () => {
    const withChart = {
      ...tree("base"),
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
      "charts/web/templates/_helpers.tpl": '{{- define "web.labels" -}}\napp: web\n{{- end }}\n',
    };
    main = fake.commit({ "README.md": "# shop\n", ...withChart });
    fake.branches.set("main", main);
    await open({
      ...withChart,
      "charts/web/templates/_helpers.tpl": '{{- define "web.labels" -}}\napp: web-v2\n{{- end }}\n',
    });
    expect(archives()).toHaveLength(2);
    expect(fake.checkRuns.at(-1)!.output.title).not.toBe("No watched manifest changed");
  });

  it("a PR that changes only a ConfigMap generator's input gets the quick answer: it cannot change reachability", async () => {
    await open(withGenerator(tree("base"), "LOG_LEVEL=debug\n"));
    expect(fake.checkRuns.at(-1)!.output.title).toBe("No watched manifest changed");
    expect(archives()).toEqual([]);
  });

  it("/reachdiff explain answers about objects that exist only in the rendered output", async () => {
    fake.collaborators.set("writer", "write");
    const head = fake.commit(withGenerator(tree("head-overlay")), main);
    fake.openPull(1, head);
    const c = fake.addComment(
      1,
      "writer",
      "/reachdiff explain shop-prod/Deployment/prod-web shop-prod/Deployment/prod-db 5432",
    );
    await send(
      "issue_comment",
      issueCommentEvent(target(), { number: 1, commentId: c.id, body: c.body, login: "writer" }),
    );
    await until("the explanation", () => fake.comments.some((x) => x.user.login === BOT), 60_000);
    const reply = fake.comments.filter((x) => x.user.login === BOT).at(-1)!;
    expect(reply.body).toMatch(/^Explanation at [0-9a-f]{7}:/);
    expect(reply.body).toContain("shop-prod/Deployment/prod-web -> shop-prod/Deployment/prod-db");
  });
});

if (!hasKustomize)
  it.skip("the App renders Kustomize roots: neither kustomize nor kubectl is on PATH (.ci/run requires one)", () => {});
