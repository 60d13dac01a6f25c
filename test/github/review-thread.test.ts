// The App reviews on a worker thread (so that its event loop keeps answering webhooks). The worker
// is the compiled build/src/github/review-worker.js, so this test loads the built modules (npm test
// builds first); from the sources the review runs on the calling thread.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type * as FetchSides from "../../src/github/fetch-sides.js";
import type * as LoadConfig from "../../src/config/load-config.js";

const BUILD = resolve("build/src");
const { reviewFetched } = (await import(pathToFileURL(join(BUILD, "github/fetch-sides.js")).href)) as typeof FetchSides;
const { defaultConfig } = (await import(pathToFileURL(join(BUILD, "config/load-config.js")).href)) as typeof LoadConfig;

const side = (name: string) => {
  const dir = resolve("fixtures/demo", name);
  return { files: readdirSync(dir).map((f) => ({ name: `k8s/${f}`, text: readFileSync(join(dir, f), "utf8") })) };
};
const input = () => ({
  base: side("base"),
  head: side("head"),
  config: defaultConfig(),
  headSha: "a".repeat(40),
  repoUrl: "https://github.com/octo-org/k8s-config",
});

describe("reviewFetched", () => {
  it("on a worker thread gives exactly the review made on this thread", async () => {
    const here = await reviewFetched(input());
    const there = await reviewFetched(input(), { thread: true });
    expect(here.risk).toBe("critical");
    expect(here.comment.split("\n")[0]).toBe(`<!-- reachdiff:v1 head=${"a".repeat(40)} -->`);
    expect(there).toEqual(here);
  });

  it("stops the worker at the deadline and rejects with its reason", async () => {
    const controller = new AbortController();
    const reason = new Error("deadline");
    const pending = reviewFetched(input(), { thread: true, signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(reviewFetched(input(), { thread: true, signal: controller.signal })).rejects.toBe(reason);
  });
});
