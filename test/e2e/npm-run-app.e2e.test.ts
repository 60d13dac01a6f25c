// `npm run app` runs the App's service (role all, the in-process bounded queue), started here with
// the command line of package.json's script (after its build step): it answers the probes, queues a
// delivery and reviews it, queues every event the App acts on (a merge group too) and no other, reads
// the credentials probot's setup page writes to .env, and with no APP_ID yet serves that setup page.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ROOT, SECRET, type ServiceProcess, until, useGitHub } from "./harness.js";
import { deliver, mergeGroupEvent, pullRequestEvent } from "./webhooks.js";

const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts.app;
const steps = script.split("&&").map((s) => s.trim());
/** The script's last step, `node <arguments>`: run here by the tests' own node. */
const [command, ...args] = steps.at(-1)!.split(/\s+/);
/** The same arguments with the entry point's path made absolute, for a run in another folder. */
const absolute = args.map((a) => (a.startsWith("-") ? a : join(ROOT, a)));

const gh = useGitHub();
const running: ServiceProcess[] = [];
const folders: string[] = [];
const start = async (options: Parameters<typeof gh.startService>[1] = {}) => {
  const p = await gh.startService("all", { argv: args, ...options });
  running.push(p);
  return p;
};
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), "reachdiff-npm-run-app-"));
  folders.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop("SIGKILL")));
});
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("npm run app", () => {
  it("builds, then runs the service's entry point", () => {
    expect(steps[0]).toBe("npm run build");
    expect(command).toBe("node");
    expect(args.at(-1)).toBe("build/src/service/main.js");
  });

  it("answers the probes, queues a delivery (202) and reviews it; queues a merge group, not an event the App ignores", async () => {
    const app = await start();
    expect(app.logs.join("\n")).toMatch(/Listening on .*\(all, memory queue, \d+ reviews at once\)/);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    const t = gh.repo;

    const opened = pullRequestEvent(gh.target(), "opened", { number: 1, head: t.head, base: t.main });
    const res = await deliver(app.webhookUrl, SECRET, "pull_request", opened, { deliveryId: "npm-run-app-1" });
    expect([res.status, await res.text()]).toEqual([202, "queued npm-run-app-1"]);
    await until("the check run to conclude", () => gh.fake.checkRuns.find((r) => r.status === "completed"), 60_000);
    expect(gh.fake.stickyComments()).toHaveLength(1);

    const group = gh.fake.commit(
      { "k8s/queued.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: q\n" },
      t.head,
    );
    const merge = await deliver(
      app.webhookUrl,
      SECRET,
      "merge_group",
      mergeGroupEvent(gh.target(), { head: group, base: t.main, pr: 1 }),
    );
    expect(merge.status).toBe(202);
    await until(
      "the merge group's check run to conclude",
      () => gh.fake.checkRuns.find((r) => r.head_sha === group && r.status === "completed"),
      60_000,
    );

    const labeled = pullRequestEvent(gh.target(), "opened", { number: 1, head: t.head, base: t.main });
    labeled.action = "labeled";
    const ignored = await deliver(app.webhookUrl, SECRET, "pull_request", labeled);
    expect([ignored.status, await ignored.text()]).toEqual([200, "pull_request.labeled: nothing to do"]);

    // The job is counted once it has ended, which is after its check run was concluded.
    const metrics = () => fetch(`${app.url}/metrics`).then((r) => r.text());
    await until(
      "both reviews to be counted",
      async () => /reachdiff_reviews_total\{outcome="reviewed"\} 2\n/.test(await metrics()),
      30_000,
    );
    expect(gh.refused()).toEqual([]);
  });

  it("a push while a review runs stops that review at once (its turn is not waited for); a close likewise, with no comment", async () => {
    const app = await start();
    const t = gh.repo;
    const runsOn = (sha: string) => gh.fake.checkRuns.filter((r) => r.head_sha === sha);
    const pr = (action: "opened" | "synchronize" | "closed", head: string) =>
      pullRequestEvent(gh.target(), action, { number: 1, head, base: t.main });
    const fetching = (n: number) => () => gh.fake.calls("repos/download-tarball-archive").length >= n;

    gh.fake.delay("codeload", 4000, 2);
    expect((await deliver(app.webhookUrl, SECRET, "pull_request", pr("opened", t.head))).status).toBe(202);
    await until("the first review to fetch", fetching(1));
    const next = gh.fake.commit(
      { "k8s/next.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: next\n" },
      t.head,
    );
    gh.fake.push(1, next);
    expect((await deliver(app.webhookUrl, SECRET, "pull_request", pr("synchronize", next))).status).toBe(202);
    await until("the newer head to be concluded", () => runsOn(next).find((r) => r.status === "completed"), 60_000);
    await until("the stopped review's run to be concluded", () => runsOn(t.head)[0]?.status === "completed", 30_000);
    expect(runsOn(t.head)).toHaveLength(1);
    expect(runsOn(t.head)[0]).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      output: { title: `Superseded by ${next.slice(0, 7)}` },
    });
    await until("the stop to be logged", () =>
      app.logs.some((l) => l.includes(`review of ${t.head.slice(0, 7)} stopped`)),
    );
    const sticky = gh.fake.stickyComments();
    expect(sticky).toHaveLength(1);
    expect(sticky[0].body.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${next} -->`);

    // A close during a review: stopped, neutral, and no comment for it.
    const last = gh.fake.commit(
      { "k8s/last.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: last\n" },
      next,
    );
    gh.fake.push(1, last);
    gh.fake.delay("codeload", 4000, 2);
    const calls = gh.fake.calls("repos/download-tarball-archive").length;
    expect((await deliver(app.webhookUrl, SECRET, "pull_request", pr("synchronize", last))).status).toBe(202);
    await until("the last review to fetch", fetching(calls + 1));
    gh.fake.close(1);
    expect((await deliver(app.webhookUrl, SECRET, "pull_request", pr("closed", last))).status).toBe(202);
    await until(
      "the last head's run to be concluded",
      () => runsOn(last).find((r) => r.status === "completed"),
      60_000,
    );
    expect(runsOn(last)[0]).toMatchObject({ conclusion: "neutral" });
    expect(gh.fake.stickyComments()).toHaveLength(1);
    expect(gh.fake.stickyComments()[0].body.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${next} -->`);
  });

  it("reads the App's credentials from .env as probot's setup page writes them", async () => {
    const cwd = folder();
    const pem = gh.keys.privateKey.trim().replace(/\n/g, "\\n");
    writeFileSync(
      join(cwd, ".env"),
      `WEBHOOK_PROXY_URL=https://smee.io/reachdiff-test\nAPP_ID=${gh.fake.appId}\nPRIVATE_KEY="${pem}"\nWEBHOOK_SECRET=${SECRET}\n`,
    );
    const app = await start({
      cwd,
      argv: absolute,
      env: { APP_ID: undefined, PRIVATE_KEY: undefined, WEBHOOK_SECRET: undefined },
    });
    // The service does not forward from smee.io as probot run did: it says how to.
    await until("the smee hint to be logged", () =>
      app.logs.join("\n").includes("npx smee-client --url https://smee.io/reachdiff-test --target"),
    );
    const t = gh.repo;
    const opened = pullRequestEvent(gh.target(), "opened", { number: 1, head: t.head, base: t.main });
    expect((await deliver(app.webhookUrl, SECRET, "pull_request", opened)).status).toBe(202);
    await until("the check run to conclude", () => gh.fake.checkRuns.find((r) => r.status === "completed"), 60_000);
  });

  it("with no APP_ID serves probot's setup page, which registers an App from app.yml", async () => {
    const cwd = folder();
    for (const file of ["app.yml", "package.json"]) copyFileSync(join(ROOT, file), join(cwd, file));
    const app = await start({
      cwd,
      argv: absolute,
      env: { APP_ID: "", PRIVATE_KEY: "", NODE_ENV: "development", NO_SMEE_SETUP: "true" },
    });
    await until("the setup page to be announced", () =>
      app.logs.join("\n").includes("APP_ID is not set: serving probot's setup page"),
    );
    const page = await fetch(`${app.url}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // The manifest the page posts to GitHub: app.yml's name, events and permissions.
    expect(html).toContain("reachdiff");
    expect(html).toContain("merge_queues");
    expect(html).toContain("/probot/setup");
  });

  it("with no APP_ID in production refuses to start, naming what is missing", async () => {
    const cwd = folder();
    await expect(
      start({ cwd, argv: absolute, env: { APP_ID: "", PRIVATE_KEY: "", NODE_ENV: "production" } }),
    ).rejects.toThrow(/APP_ID and PRIVATE_KEY \(or PRIVATE_KEY_PATH\) must be set/);
  });
});
