// A corpus of broken and hostile manifests (fixtures/bad, one case a file, each beside a good pod
// `<case>/Pod/ok` in its own namespace), plus cases too big to commit that the test writes into a
// temporary folder: a 100 MB file, a 50,000-document file, deeper nesting, links out of the folder.
// For each: the run ends within a bound and in bounded memory, the rest is still analysed, an input
// that is wrong gets a diagnostic with file and line, and an input that is only unusual is read the
// way Kubernetes reads it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import type { Cluster } from "../../src/model/types.js";
import { loadSnapshot } from "../../src/snapshot.js";
import { BAD, CASES, removeTempDirs, survivorsOf, tempDir, writeGenerated } from "../helpers/bad-corpus.js";

afterAll(removeTempDirs);
const shown = (c: Cluster) => c.diagnostics.filter((d) => d.severity !== "info");

describe("fixtures/bad, one file at a time", () => {
  it("has an expectation for every file, and at least 40 cases", () => {
    const files = readdirSync(BAD)
      .filter((f) => !f.startsWith("."))
      .sort();
    expect(files).toEqual(Object.keys(CASES).sort());
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const [file, expected] of Object.entries(CASES)) {
    it(`${file}: ${"problem" in expected ? `${expected.problem.severity} at line ${expected.problem.line}` : "read normally"}, and the rest of the file is read`, () => {
      const start = performance.now();
      const c = loadSnapshot([join(BAD, file)], { displayRoot: BAD });
      expect(performance.now() - start).toBeLessThan(10_000);
      if ("problem" in expected) {
        const { severity, line, message } = expected.problem;
        expect(shown(c)).toEqual([
          expect.objectContaining({ severity, file, line, message: expect.stringContaining(message) }),
        ]);
      } else {
        expect(shown(c)).toEqual([]);
        expected.normal(c);
      }
      for (const id of survivorsOf(file)) expect(c.workloads.map((w) => w.id)).toContain(id);
    });
  }

  it("no case reached Object.prototype (proto-label-key)", () => {
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});

describe("generated cases", () => {
  let dir: string;
  let expected: ReturnType<typeof writeGenerated>;
  beforeAll(() => {
    dir = tempDir("reachdiff-bad-gen-");
    expected = writeGenerated(dir, tempDir("reachdiff-bad-outside-"));
  });

  it("each gives its diagnostic quickly, without reading what it refuses, and the rest is read", () => {
    const start = performance.now();
    const c = loadSnapshot([dir], { displayRoot: dir });
    expect(performance.now() - start).toBeLessThan(20_000);
    expect([...shown(c)].sort((a, b) => (a.file < b.file ? -1 : 1))).toEqual(
      Object.entries(expected)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([file, e]) =>
          expect.objectContaining({
            severity: e.severity,
            file,
            line: e.line,
            message: expect.stringContaining(e.message),
          }),
        ),
    );
    expect(c.workloads.map((w) => w.id).sort()).toEqual(
      Object.values(expected)
        .flatMap((e) => e.survivors)
        .sort(),
    );
  });

  it("reads a stream of 2,000 documents (under the limit) with the right lines", () => {
    const text = readFileSync(join(dir, "many-documents.yaml"), "utf8").split("---\n").slice(0, 2000).join("---\n");
    const d = new Diagnostics();
    const start = performance.now();
    const objects = parseManifestText("two-thousand.yaml", text, d);
    expect(performance.now() - start).toBeLessThan(15_000);
    expect(d.items).toEqual([]);
    expect(objects).toHaveLength(2000);
    // Document i starts at line 5i + 1 (four lines and a marker each); a field's line is found again.
    expect(objects.map((o) => o.source.line).filter((line, i) => line !== 5 * i + 1)).toEqual([]);
    expect(objects[1999].source.lineOf(["data", "i"])).toBe(5 * 1999 + 4);
    expect(objects[7].source.lineOf(["metadata", "name"])).toBe(5 * 7 + 3);
  });
});
