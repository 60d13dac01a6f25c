// dist/index.js is committed (an Action runs it as is): it must be exactly what scripts/build-action.mjs
// makes from src/ now, and must not carry mermaid, jsdom or probot.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script
import { bundle } from "../../scripts/build-action.mjs";

describe("dist/index.js", () => {
  it("is up to date with src/ (run `npm run build:action` and commit dist/)", async () => {
    const fresh: string = await bundle();
    const committed = readFileSync(new URL("../../dist/index.js", import.meta.url), "utf8");
    expect(committed.length).toBe(fresh.length);
    expect(committed === fresh).toBe(true);
  });

  it("bundles no mermaid, jsdom or probot", () => {
    const text = readFileSync(new URL("../../dist/index.js", import.meta.url), "utf8");
    expect(text).not.toMatch(/node_modules\/(mermaid|jsdom|probot)\//);
    expect(text).not.toContain("mermaidAPI");
  });

  it("action.yml runs it on node24", () => {
    const yml = readFileSync(new URL("../../action.yml", import.meta.url), "utf8");
    expect(yml).toMatch(/using: node24\n\s+main: dist\/index\.js/);
  });
});
