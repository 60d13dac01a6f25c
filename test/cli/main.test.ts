import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const cli = (...args: string[]) =>
  execFileSync(process.execPath, ["build/src/cli/main.js", ...args], { encoding: "utf8" });

describe("reachdiff CLI", () => {
  it("lists every command in --help", () => {
    const out = cli("--help");
    expect(out).toMatch(/reach\s+show which workloads/);
    expect(out).toMatch(/explain\s+explain/);
  });

  it("describes each command's flags", () => {
    expect(cli("reach", "--help")).toContain("--format");
    expect(cli("explain", "--help")).toContain("--protocol");
  });
});
