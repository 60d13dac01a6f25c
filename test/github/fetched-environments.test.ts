// The App's and the Action's review path (files fetched through the API, rendered in a private folder)
// reads environments as the CLI does: each its own cluster, named in the comment and the check.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load-config.js";
import { reviewFetchedHere } from "../../src/github/fetch-sides.js";
import type { FetchedSide } from "../../src/snapshot.js";
import { needsKustomize } from "../helpers/render-tools.js";

/** A folder as the archive fetch gives it: YAML as manifests, every file as a render input. */
function fetched(dir: string): FetchedSide {
  const all: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else all.push(p);
    }
  };
  walk(dir);
  const name = (p: string) => relative(dir, p).split("\\").join("/");
  return {
    files: all.filter((p) => /\.ya?ml$/.test(p)).map((p) => ({ name: name(p), text: readFileSync(p, "utf8") })),
    inputs: all.map((p) => ({ name: name(p), text: readFileSync(p) })),
  };
}

describe(`fetched sides as environments ${needsKustomize}`, () => {
  it("the comment and the check say which environment each finding belongs to; an added one is said", async () => {
    const summary = await reviewFetchedHere({
      base: fetched("fixtures/repos/overlays/base"),
      head: fetched("fixtures/repos/overlays/head"),
      config: { ...defaultConfig(), "fail-on": "none" },
    });
    expect(summary.comment).toContain("**Environments** (4, each analysed as its own cluster):");
    expect(summary.comment).toMatch(/- overlays\/staging: added by this pull request/);
    const titles = summary.check.annotations.map((a) => a.title);
    expect(titles.filter((t) => t.endsWith("[overlays/prod-eu]")).length).toBe(2);
    expect(summary.check.annotations.every((a) => / \[[^\]]+\]$/.test(a.title))).toBe(true);
    const report = summary.report as { environments: { name: string; status: string }[] };
    expect(report.environments.map((e) => e.status)).toEqual(["changed", "changed", "changed", "added"]);
  });
});
