// Entry objects that the API server would refuse become diagnostics naming the file and line; a
// broken object never hides the others.
import { describe, expect, it } from "vitest";
import { exposure, fixture, lines } from "./helpers.js";

describe("invalid entry objects", () => {
  const result = exposure(fixture("invalid/objects.yaml"));

  it("reports each at the line of the offending field", () => {
    expect(
      result.diagnostics
        .filter((d) => d.severity !== "info")
        .map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message}`),
    ).toEqual([
      "fixtures/exposure/invalid/objects.yaml:61: warning: gateway.networking.k8s.io/v9 is not a Gateway API version this tool knows; Gateway future is read as v1",
      'fixtures/exposure/invalid/objects.yaml:30: error: Ingress bad-path-type is invalid and skipped: spec.rules[0].http.paths[0].pathType: must be Exact, Prefix or ImplementationSpecific, found "Regex"',
      "fixtures/exposure/invalid/objects.yaml:43: error: Gateway no-class is invalid and skipped: spec.gatewayClassName: is missing",
      'fixtures/exposure/invalid/objects.yaml:38: error: HTTPRoute bad-parents is invalid and skipped: spec.parentRefs: must be a list, found string "oops"',
      "fixtures/exposure/invalid/objects.yaml:50: error: ReferenceGrant no-from is invalid and skipped: spec.from: must have at least one entry",
      'fixtures/exposure/invalid/objects.yaml:59: error: Route bad-tls is invalid and skipped: spec.tls.termination: must be edge, passthrough or reencrypt, found "bogus"',
    ]);
  });

  it("still exposes what the valid objects describe", () => {
    expect(lines(result)).toEqual([
      "Ingress bad/Ingress/good http://good.example.com/ (0.0.0.0/0) -> bad/Service/app :80 -> bad/Deployment/app TCP 8080",
    ]);
  });
});
