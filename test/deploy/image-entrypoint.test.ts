// The container image's entry point, without Docker: the Dockerfile is parsed (dockerfile-ast, the
// parser of VS Code's Docker support), and its final stage's ENTRYPOINT + CMD run as the image would
// run them, with its ENV, in the repository (the image's /app holds build/src, node_modules,
// package.json and app.yml as the checkout does), under Debian's tini (the package the image
// installs; .ci/run installs it here). Where the machine allows it, tini runs as PID 1 of its own PID
// namespace, as in a container. SIGTERM in the middle of a review: tini passes it to node, the service
// drains (the running review finishes and concludes its check run) and the exit code is 0.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DockerfileParser, type JSONInstruction, type Property } from "dockerfile-ast";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, ROOT, SECRET, until, useGitHub } from "../e2e/harness.js";
import { pullRequestEvent } from "../e2e/webhooks.js";

const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const lastFrom = dockerfile.getFROMs().at(-1)!.getRange().start.line;
/** The instructions of the image that runs (the last stage). */
const final = dockerfile.getInstructions().filter((i) => i.getRange().start.line >= lastFrom);
const json = (keyword: string) =>
  (final.filter((i) => i.getKeyword() === keyword).at(-1) as JSONInstruction | undefined)
    ?.getJSONStrings()
    .map((s) => s.getJSONValue()) ?? [];
const entrypoint = json("ENTRYPOINT");
const cmd = json("CMD");
const imageEnv: Record<string, string> = Object.fromEntries(
  final
    .filter((i) => i.getKeyword() === "ENV")
    .flatMap((i) => (i as unknown as { getProperties(): Property[] }).getProperties())
    .map((p) => [p.getName(), p.getValue() ?? ""]),
);
const args = (keyword: string) =>
  final.filter((i) => i.getKeyword() === keyword).map((i) => i.getArguments().map((a) => a.getValue()));

/** Whether this machine lets us give tini a PID namespace of its own (root, or user namespaces). */
const canUnshare = () =>
  spawnSync("unshare", ["--pid", "--fork", "--kill-child", "true"], { stdio: "ignore" }).status === 0;

const gh = useGitHub();
const cacheDir = mkdtempSync(join(tmpdir(), "reachdiff-image-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe("the image's entry point", () => {
  it("is tini, installed in the final stage, running the service as the non-root user", () => {
    expect(entrypoint).toEqual(["/usr/bin/tini", "--"]);
    expect(args("RUN").some((a) => a.includes("install") && a.includes("tini"))).toBe(true);
    expect(cmd).toEqual(["node", "build/src/service/main.js"]);
    expect(args("USER").at(-1)).toEqual(["node"]);
    expect(args("WORKDIR").at(-1)).toEqual(["/app"]);
    expect(imageEnv).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", HOME: "/tmp" });
    // What the image copies to /app is what the command line needs from the checkout.
    for (const path of ["build/src/service/main.js", "node_modules", "package.json", "app.yml"])
      expect(existsSync(join(ROOT, path)), path).toBe(true);
  });

  it("starts the service with the image's command line and environment, and drains on SIGTERM", async () => {
    const tini = entrypoint[0];
    expect(existsSync(tini), `${tini} (Debian's tini, as in the image; .ci/run installs it)`).toBe(true);
    const port = await freePort();
    const api = new URL(gh.fake.url);
    const commandLine = [...entrypoint, ...cmd];
    const isolated = canUnshare();
    const [file, ...argv] = isolated ? ["unshare", "--pid", "--fork", "--kill-child", ...commandLine] : commandLine;
    const child: ChildProcess = spawn(file, argv, {
      cwd: ROOT,
      env: {
        ...imageEnv,
        // The same node as the tests, first on PATH (the image's is node:24-slim's).
        PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
        PORT: String(port),
        REACHDIFF_ARCHIVE_CACHE_DIR: cacheDir,
        APP_ID: String(gh.fake.appId),
        PRIVATE_KEY: gh.keys.privateKey,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: api.host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const logs: string[] = [];
    child.stdout!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
    child.stderr!.on("data", (d) => logs.push(...String(d).split("\n").filter(Boolean)));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await until(
        "the image's command to listen",
        () => {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${logs.join("\n")}`);
          return logs.some((l) => l.includes("Listening on"));
        },
        60_000,
      );
      // tini's process: the child of unshare when isolated (PID 1 inside), else the child itself.
      const tiniPid = isolated
        ? Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/)[0])
        : child.pid!;
      expect(readFileSync(`/proc/${tiniPid}/cmdline`, "utf8").split("\0")[0]).toBe(tini);

      // A review in flight: its archives take 3 s to come.
      const t = gh.repo;
      gh.fake.delay("codeload", 3000, 2);
      const opened = pullRequestEvent(gh.target(), "opened", { number: 1, head: t.head, base: t.main });
      const res = await gh.send("pull_request", opened, undefined, {
        webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
      } as never);
      expect(res).toBe(202);
      await until("the review to start", () => gh.fake.checkRuns.some((r) => r.status === "in_progress"));
      process.kill(tiniPid, "SIGTERM");

      expect(await exited).toBe(0);
      expect(logs.some((l) => l.includes("SIGTERM: draining"))).toBe(true);
      expect(logs.some((l) => /"msg":"drained"/.test(l))).toBe(true);
      const run = gh.fake.checkRuns.find((r) => r.head_sha === t.head)!;
      expect([run.status, run.conclusion]).toEqual(["completed", "failure"]); // the demo's critical risk
      console.log(
        `image entry point: ${commandLine.join(" ")}${isolated ? " (tini as PID 1 of its own PID namespace)" : ""}`,
      );
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 120_000);
});
