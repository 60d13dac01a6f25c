// Real manifests: GoogleCloudPlatform/microservices-demo rendered with kustomize. Base exposes the
// frontend through the LoadBalancer frontend-external; head replaces it with an Istio Gateway and an
// HTTPRoute, and locks every pod down with NetworkPolicies.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeExposure } from "../../../src/analysis/exposure/index.js";
import { loadSnapshot } from "../../../src/snapshot.js";
import { haveShared, lines, REALWORLD } from "../../helpers/exposure.js";

const DEMO = join(REALWORLD, "microservices-demo/rendered");

describe.skipIf(!haveShared(DEMO))("microservices-demo (needs ../shared/realworld/microservices-demo)", () => {
  it("base: the LoadBalancer frontend-external exposes the frontend pods on 8080, plus its node port", () => {
    const result = computeExposure(loadSnapshot([join(DEMO, "base")], { displayRoot: DEMO }));
    expect(lines(result)).toEqual([
      "LoadBalancer :80 (0.0.0.0/0) -> default/Service/frontend-external :80 -> default/Deployment/frontend TCP 8080",
      "NodePort :<allocated> (0.0.0.0/0) -> default/Service/frontend-external :80 -> default/Deployment/frontend TCP 8080",
    ]);
    const lb = result.exposures[0];
    expect([lb.file, lb.via.internal, lb.blockedBy]).toEqual(["base/all.yaml", false, null]);
    expect(result.broken).toEqual([]);
  });

  it("head: the Gateway istio-gateway and the HTTPRoute frontend-route expose the same pods; the LoadBalancer is gone", () => {
    const result = computeExposure(loadSnapshot([join(DEMO, "head")], { displayRoot: DEMO }));
    expect(lines(result)).toEqual([
      "Gateway default/Gateway/istio-gateway:http :80 * via default/HTTPRoute/frontend-route (0.0.0.0/0) -> default/Service/frontend :80 -> default/Deployment/frontend TCP 8080",
    ]);
    const [e] = result.exposures;
    expect(e.via).toEqual({
      kind: "Gateway",
      ref: "default/HTTPRoute/frontend-route",
      service: "default/Service/frontend",
      servicePort: 80,
      entryPort: 80,
      host: undefined,
      listener: "default/Gateway/istio-gateway:http",
      tls: false,
      internal: false,
      matches: ["PathPrefix /"],
    });
    // The frontend's own policy admits every source; the deny-all would stop the Istio gateway pods'
    // egress if they run in default, which the manifests cannot tell: a note, not a verdict.
    expect(e.blockedBy).toBeNull();
    expect(e.notes).toContain(
      "default/NetworkPolicy/deny-all restricts egress in default: if the data-plane pods of default/Gateway/istio-gateway run there, it blocks this traffic",
    );
    expect(result.broken).toEqual([]);
  });
});
