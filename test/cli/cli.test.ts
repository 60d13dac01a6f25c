// The command line's top-level handler (cli.ts main) as a unit: an error no command expects ends in
// exit 70 with the error on stderr; names that are not commands (inherited object keys too) are usage
// errors, never a crash.
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/cli.js";
import { EXIT } from "../../src/cli/command.js";
import { reach } from "../../src/cli/reach.js";

function captured(run: () => number): { code: number; stderr: string; stdout: string } {
  let stderr = "";
  let stdout = "";
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const code = run();
  vi.restoreAllMocks();
  return { code, stderr, stdout };
}

afterEach(() => vi.restoreAllMocks());

describe("reachdiff's top-level handler", () => {
  it("answers an unexpected error with exit 70, the error and its stack on stderr", () => {
    // A command whose work throws what no command expects: structuredClone of a function is a real
    // DataCloneError from the platform, not one of the CLI's own error classes; its numeric `code` made the
    // handler itself throw before (code.startsWith).
    const broken = { ...reach, run: () => structuredClone(() => 0) as unknown as number };
    const out = captured(() => main(["reach", "fixtures/demo/base"], { reach: broken }));
    expect(out.code).toBe(EXIT.internal);
    expect(out.code).toBe(70);
    expect(out.stderr).toMatch(/^reachdiff reach: internal error \(please report it\): DataCloneError: /);
    expect(out.stderr).toContain("could not be cloned");
    expect(out.stderr).toMatch(/\n\s+at /);
    expect(out.stdout).toBe("");
  });

  it("runs a real command through the same handler (exit 0)", () => {
    const out = captured(() => main(["reach", "fixtures/demo/base", "--format", "json"]));
    expect(out.code).toBe(EXIT.ok);
    expect(JSON.parse(out.stdout)).toBeTypeOf("object");
  });

  it("takes an inherited object key for an unknown command, not a crash (was exit 70: command.run is not a function)", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const out = captured(() => main([name]));
      expect(out.code, name).toBe(EXIT.usage);
      expect(out.stderr).toContain(`unknown command ${JSON.stringify(name)}`);
    }
  });
});
