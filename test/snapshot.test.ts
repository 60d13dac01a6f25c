// loadSides (the diff command's loader) parses a file that is the same on both sides once and shares
// its objects: the result must be exactly that of loading each side on its own.
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffClusters } from "../src/review/review.js";
import { exposureOf } from "../src/analysis/exposure-of.js";
import { defaultConfig } from "../src/config/load-config.js";
import { Diagnostics } from "../src/manifests/diagnostics.js";
import { ParseCache } from "../src/manifests/parse-cache.js";
import type { Cluster } from "../src/model/types.js";
import { diffJson } from "../src/report/diff-json.js";
import { loadSide, loadSides } from "../src/snapshot.js";

const pairs = [
  ["demo", "fixtures/demo"],
  ...readdirSync("fixtures/scenarios")
    .sort()
    .map((name) => [name, join("fixtures/scenarios", name)]),
];

/** A cluster as data: every object with its file and line (functions, such as lineOf, left out). */
const asData = (c: Cluster) =>
  JSON.parse(
    JSON.stringify({ ...c, namespaces: [...c.namespaces.values()] }, (_k, v) =>
      typeof v === "bigint" ? v.toString() : v,
    ),
  );

describe("loadSides", () => {
  for (const [name, dir] of pairs)
    it(`${name}: the same snapshots and the same diff as two separate loads`, () => {
      const [base, head] = loadSides(join(dir, "base"), join(dir, "head"), { render: false });
      const alone = [loadSide(join(dir, "base"), { render: false }), loadSide(join(dir, "head"), { render: false })];
      expect(asData(base)).toEqual(asData(alone[0]));
      expect(asData(head)).toEqual(asData(alone[1]));
      const config = defaultConfig();
      expect(diffJson(diffClusters(base, head, config, exposureOf))).toEqual(
        diffJson(diffClusters(alone[0], alone[1], config, exposureOf)),
      );
    });

  const tmp = mkdtempSync(join(tmpdir(), "reachdiff-load-sides-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("parses an unchanged file once, shares its objects, and reports its problems on both sides", () => {
    const app =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: c}]}\n";
    const broken = "apiVersion: v1\nkind: Pod\nmetadata: {name: bad\n";
    for (const side of ["base", "head"]) {
      mkdirSync(join(tmp, side), { recursive: true });
      writeFileSync(join(tmp, side, "app.yaml"), app);
      writeFileSync(join(tmp, side, "broken.yaml"), broken);
    }
    writeFileSync(join(tmp, "head", "extra.yaml"), app.replace(/web/g, "api"));
    const cache = new ParseCache();
    const [base, head] = loadSides(join(tmp, "base"), join(tmp, "head"), { render: false, parseCache: cache });
    expect(head.workloads.find((w) => w.id === "shop/Pod/web")!.source).toBe(
      base.workloads.find((w) => w.id === "shop/Pod/web")!.source,
    );
    expect(head.workloads.map((w) => w.id).sort()).toEqual(["shop/Pod/api", "shop/Pod/web"]);
    const errors = (c: Cluster) =>
      c.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.file}:${d.line}`);
    expect(errors(base)).toHaveLength(1);
    expect(errors(base)[0]).toMatch(/^broken\.yaml:/);
    expect(errors(head)).toEqual(errors(base));
    // The cache answers the second side from the first.
    expect(cache.get("app.yaml", app)).toBeDefined();
    const d = new Diagnostics();
    expect(cache.parse("broken.yaml", broken, d)).toEqual([]);
    expect(d.items.map((x) => x.severity)).toEqual(["error"]);
  });
});
