// No source file over 300 lines, unless its first line says why it reads best as one file:
// `// One file: <what it holds>, because <why>.` Size itself is not the sin, mixing concerns is; the
// line makes a long file a decision someone wrote down instead of an accident.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");
const LIMIT = 300;
const REASON = /^\/\/ One file: .+ because .+/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const lineCount = (text: string) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

describe(`source files (over ${LIMIT} lines only with a reason)`, () => {
  const all = files(SRC).map((file) => ({ file: relative(SRC, file), text: readFileSync(file, "utf8") }));

  it("reads the sources (the walk works)", () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((f) => f.file === "app.ts")).toBe(true);
  });

  it(`no file over ${LIMIT} lines without '// One file: ... because ...' on its first line`, () => {
    const long = all
      .filter((f) => lineCount(f.text) > LIMIT && !REASON.test(f.text.split("\n", 1)[0]))
      .map((f) => `${f.file} (${lineCount(f.text)} lines)`);
    expect(long).toEqual([]);
  });
});
