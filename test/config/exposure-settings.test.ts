// The exposure settings of .github/reachdiff.yml: defaults, and bad values named by key.
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../../src/config/load-config.js";

describe("config: exposure", () => {
  it("defaults to /16 (IPv4), /48 (IPv6) and nodes unknown", () => {
    expect(resolveConfig(undefined).exposure).toEqual({
      "internet-min-prefix": 16,
      "internet-min-prefix-v6": 48,
      nodes: "unknown",
    });
    expect(resolveConfig({ exposure: { nodes: "private" } }).exposure.nodes).toBe("private");
  });

  it("names the key of a bad value", () => {
    expect(() => resolveConfig({ exposure: { nodes: "maybe" } })).toThrow(ConfigError);
    expect(() => resolveConfig({ exposure: { nodes: "maybe" } })).toThrow(/exposure\.nodes/);
    expect(() => resolveConfig({ exposure: { "internet-min-prefix": 33 } })).toThrow(/internet-min-prefix/);
    expect(() => resolveConfig({ exposure: { public: true } })).toThrow(/unknown key "exposure\.public"/);
  });
});
