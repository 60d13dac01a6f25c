// Entry objects that the API server would refuse become diagnostics naming the file and line, when the
// model is built (so `reachdiff reach` says them like any invalid object); a broken object never
// hides the others.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { exposure, fixture, lines, ROOT } from "../helpers/exposure.js";

const EXPECTED = [
  'fixtures/exposure/invalid/objects.yaml:30: error: Ingress bad-path-type is invalid and skipped: spec.rules[0].http.paths[0].pathType: must be Exact, Prefix or ImplementationSpecific, found "Regex"',
  'fixtures/exposure/invalid/objects.yaml:38: error: HTTPRoute bad-parents is invalid and skipped: spec.parentRefs: must be a list, found string "oops"',
  "fixtures/exposure/invalid/objects.yaml:43: error: Gateway no-class is invalid and skipped: spec.gatewayClassName: is missing",
  "fixtures/exposure/invalid/objects.yaml:50: error: ReferenceGrant no-from is invalid and skipped: spec.from: must have at least one entry",
  'fixtures/exposure/invalid/objects.yaml:59: error: Route bad-tls is invalid and skipped: spec.tls.termination: must be edge, passthrough or reencrypt, found "bogus"',
  "fixtures/exposure/invalid/objects.yaml:61: warning: gateway.networking.k8s.io/v9 is not a Gateway API version this tool knows; Gateway future is read as v1",
  "fixtures/exposure/invalid/objects.yaml:75: error: Gateway no-port is invalid and skipped: spec.listeners[0].port: is missing",
];

describe("invalid entry objects", () => {
  const cluster = fixture("invalid/objects.yaml");
  const result = exposure(cluster);

  it("are reported by the model, each at the line of the offending field", () => {
    expect(
      cluster.diagnostics
        .filter((d) => d.severity !== "info")
        .map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message}`),
    ).toEqual(EXPECTED);
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(cluster.gateways.map((g) => g.id)).toEqual(["bad/Gateway/future"]);
    expect([...cluster.ingresses, ...cluster.xroutes, ...cluster.referenceGrants].map((o) => o.id)).toEqual([
      "bad/Ingress/good",
    ]);
  });

  it("still exposes what the valid objects describe", () => {
    expect(lines(result)).toEqual([
      "Ingress bad/Ingress/good http://good.example.com/ (0.0.0.0/0) -> bad/Service/app :80 -> bad/Deployment/app TCP 8080",
    ]);
  });

  it("are reported by `reachdiff reach` like any invalid object, and fail --strict", () => {
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["build/src/cli/main.js", "reach", "fixtures/exposure/invalid/objects.yaml", ...args],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );
    const out = run();
    expect(out.status).toBe(0);
    // Problems are said once, on stderr (not again in the report on stdout).
    expect(out.stdout).not.toContain("invalid and skipped");
    const problems = out.stderr.split("\n");
    for (const line of EXPECTED) expect(problems.some((p) => p.trim().startsWith(line))).toBe(true);
    expect(out.stderr).toContain(
      "fixtures/exposure/invalid/objects.yaml:75: error: Gateway no-port is invalid and skipped: spec.listeners[0].port: is missing",
    );
    expect(run("--strict").status).toBe(2);
  });
});
