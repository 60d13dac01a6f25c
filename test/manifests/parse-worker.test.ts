// loadSides parses on worker threads (ParseCache.prefetch). The worker is the compiled
// build/src/manifests/parse-worker.js, so this test loads the built modules (npm test builds first).
// Whatever the threads do, the snapshots must be those of a parse on one thread: the same objects,
// the same lines of every field, the same diagnostics; and a worker that stalls is replaced.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type * as Snapshot from "../../src/snapshot.js";
import type { Cluster } from "../../src/model/types.js";

const BUILD = resolve("build/src");
const built = existsSync(join(BUILD, "manifests/parse-worker.js"));
const load = async () => (await import(pathToFileURL(join(BUILD, "snapshot.js")).href)) as typeof Snapshot;

/** A snapshot as data, with the line of the fields the model read (rules) and of some it did not. */
function asData(c: Cluster): unknown {
  const lines = [...c.workloads, ...c.services, ...c.networkPolicies, ...c.others].map((o) => [
    o.id,
    o.source.line,
    ...[
      ["spec"],
      ["spec", "ports", 0, "port"],
      ["metadata", "labels", "app"],
      ["spec", "template", "spec", "containers", 0, "ports", 1],
      ["no", "such"],
    ].map((p) => o.source.lineOf(p)),
  ]);
  return JSON.parse(
    JSON.stringify({ ...c, namespaces: [...c.namespaces.values()], lines }, (_k, v) =>
      typeof v === "bigint" ? v.toString() : v,
    ),
  );
}

describe.skipIf(!built)("loadSides on worker threads", () => {
  const tmp = mkdtempSync(join(tmpdir(), "reachdiff-threads-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // A repository of many files: good ones, a List, broken YAML, an invalid object; head changes a few.
  const pod = (ns: string, name: string, port: number) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: {app: ${name}}\nspec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: ${port}}\n    - name: metrics\n      containerPort: 9090\n`;
  const policy = (ns: string, name: string, port: number | string) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  podSelector: {matchLabels: {app: ${name}}}\n  ingress:\n  - from:\n    - podSelector: {}\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n    ports:\n    - port: ${port}\n`;
  for (const side of ["base", "head"]) {
    for (let n = 0; n < 12; n++) {
      const dir = join(tmp, side, `ns${n}`);
      mkdirSync(dir, { recursive: true });
      for (let w = 0; w < 8; w++)
        writeFileSync(
          join(dir, `app${w}.yaml`),
          `${pod(`ns${n}`, `app${w}`, side === "head" && n === 3 && w === 2 ? 8443 : 8080)}---\n${policy(`ns${n}`, `app${w}`, w % 2 ? "http" : 8080)}`,
        );
    }
    writeFileSync(
      join(tmp, side, "list.yaml"),
      `apiVersion: v1\nkind: List\nitems:\n- ${pod("ns0", "listed", 80).replace(/\n/g, "\n  ").trimEnd()}\n`,
    );
    writeFileSync(
      join(tmp, side, "broken.yaml"),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: bad\n---\n${pod("ns1", "after-broken", 80)}`,
    );
    writeFileSync(
      join(tmp, side, "invalid.yaml"),
      policy("ns2", "invalid", 8080).replace(
        "podSelector: {matchLabels",
        "podSelector: {matchExpressions: [{key: a, operator: Equals}], matchLabels",
      ),
    );
  }
  writeFileSync(join(tmp, "head", "added.yaml"), pod("ns5", "added", 80));

  it("gives the snapshots of a parse on one thread", async () => {
    const { loadSides } = await load();
    const one = loadSides(join(tmp, "base"), join(tmp, "head"), { render: false, prefetch: { threads: 1 } });
    const many = loadSides(join(tmp, "base"), join(tmp, "head"), {
      render: false,
      prefetch: { threads: 3, minBytes: 0 },
    });
    expect(many.map(asData)).toEqual(one.map(asData));
    expect(one[0].diagnostics.filter((d) => d.severity === "error").length).toBeGreaterThanOrEqual(2);
    expect(one[1].workloads.length).toBe(one[0].workloads.length + 1);
  });

  it("parses a worker's files itself when the worker cannot start or stalls", async () => {
    const { loadSides } = await load();
    const { ParseCache } = (await import(
      pathToFileURL(join(BUILD, "manifests/parse-cache.js")).href
    )) as typeof import("../../src/manifests/parse-cache.js");
    const one = loadSides(join(tmp, "base"), join(tmp, "head"), { render: false, prefetch: { threads: 1 } });
    // Options a worker cannot be given (a function does not cross threads): parsed here instead.
    const unstartable = new ParseCache({ hook: () => 0 } as never);
    const fallback = loadSides(join(tmp, "base"), join(tmp, "head"), {
      render: false,
      parseCache: unstartable,
      prefetch: { threads: 2, minBytes: 0 },
    });
    expect(fallback.map(asData)).toEqual(one.map(asData));
    const stalled = loadSides(join(tmp, "base"), join(tmp, "head"), {
      render: false,
      prefetch: { threads: 2, minBytes: 0, stallMs: -1 },
    });
    expect(stalled.map(asData)).toEqual(one.map(asData));
  });

  it("gives the same diff on the demo and the scenarios", async () => {
    const { loadSides } = await load();
    for (const dir of [
      "fixtures/demo",
      ...readdirSync("fixtures/scenarios").map((n) => join("fixtures/scenarios", n)),
    ]) {
      const one = loadSides(join(dir, "base"), join(dir, "head"), { prefetch: { threads: 1 } });
      const many = loadSides(join(dir, "base"), join(dir, "head"), { prefetch: { threads: 2, minBytes: 0 } });
      expect(many.map(asData), dir).toEqual(one.map(asData));
    }
  });
});
