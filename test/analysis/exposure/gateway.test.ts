// Gateway API entries: listeners, allowedRoutes, hostname intersection, weights and mirrors,
// cross-namespace backends behind ReferenceGrants, and the data-plane pods as the traffic's source.
import { describe, expect, it } from "vitest";
import { gatewayRouteStatuses } from "../../../src/analysis/exposure/index.js";
import { gatewayHostMatches, intersectHostnames } from "../../../src/model/kinds/xroute.js";
import { broken, exposure, fixture, lines } from "../../helpers/exposure.js";

describe("a shared Gateway and application routes", () => {
  const cluster = fixture("gateway");
  const result = exposure(cluster);
  const viaGateway = result.exposures.filter((e) => e.via.kind === "Gateway");

  it("follows accepted routes through their listener to the pod ports", () => {
    expect(lines(viaGateway)).toEqual([
      "Gateway (internal) infra/Gateway/private:http :80 * via apps/HTTPRoute/intranet (0.0.0.0/0) -> apps/Service/web :80 -> apps/Deployment/web TCP 8080 [blocked by apps/NetworkPolicy/from-gateway]",
      "Gateway infra/Gateway/public:https :443 shop.example.com via apps/HTTPRoute/shop (192.0.2.0/24) -> apps/Service/shadow :80 -> apps/Deployment/shadow TCP 9999",
      "Gateway infra/Gateway/public:https :443 shop.example.com via apps/HTTPRoute/shop (192.0.2.0/24) -> apps/Service/web :80 -> apps/Deployment/web TCP 8080",
      "Gateway infra/Gateway/public:https :443 shop.example.com via apps/HTTPRoute/shop (192.0.2.0/24) -> apps/Service/web-canary :80 -> apps/Deployment/web-canary TCP 8081",
      "Gateway infra/Gateway/public:https :443 shop.example.com via apps/HTTPRoute/shop (192.0.2.0/24) -> payments/Service/pay :443 -> payments/Deployment/pay TCP 8443",
      "Gateway infra/Gateway/public:postgres :5432 * via apps/TCPRoute/db (192.0.2.0/24) -> apps/Service/db :5432 -> apps/Deployment/db TCP 5432 [blocked by apps/NetworkPolicy/db-isolated]",
    ]);
  });

  it("keeps the listener, the intersected host, TLS and the matches", () => {
    const web = viaGateway.find((e) => e.workload === "apps/Deployment/web" && e.via.ref === "apps/HTTPRoute/shop")!;
    expect(web.via).toEqual({
      kind: "Gateway",
      ref: "apps/HTTPRoute/shop",
      service: "apps/Service/web",
      servicePort: 80,
      entryPort: 443,
      host: "shop.example.com",
      listener: "infra/Gateway/public:https",
      tls: true,
      internal: false,
      matches: ["PathPrefix /"],
    });
    expect(web.notes).toContain("weight 90 of 100");
    const pay = viaGateway.find((e) => e.workload === "payments/Deployment/pay")!;
    expect(pay.via.matches).toEqual(["Exact /pay method:POST"]);
  });

  it("counts a RequestMirror target as receiving the traffic", () => {
    const shadow = viaGateway.find((e) => e.workload === "apps/Deployment/shadow")!;
    expect(shadow.notes).toContain("receives a mirrored copy of the requests (RequestMirror)");
  });

  it("admits traffic from the data-plane pods labelled with the Gateway's name, and not from another Gateway's", () => {
    expect(
      viaGateway.find((e) => e.via.ref === "apps/HTTPRoute/shop" && e.workload === "apps/Deployment/web")!.blockedBy,
    ).toBeNull();
    expect(viaGateway.find((e) => e.via.ref === "apps/HTTPRoute/intranet")!.blockedBy).toBe(
      "apps/NetworkPolicy/from-gateway",
    );
  });

  it("reports refused routes and unpermitted backends with their conformance reasons", () => {
    expect(broken(result)).toEqual([
      "apps/HTTPRoute/shop: RefNotPermitted: rule 3: backendRef to payments/Service/refund in another namespace is not allowed by a ReferenceGrant in payments @fixtures/exposure/gateway/apps.yaml:125",
      "other/HTTPRoute/promo: NotAllowedByListeners: not accepted by infra/Gateway/public:https: listener https accepts routes from namespaces matching shared-gateway=true @fixtures/exposure/gateway/apps.yaml:132",
    ]);
  });

  it("treats a Gateway as internal when its class is configured as internal", () => {
    const internal = exposure(cluster, { internalGatewayClasses: ["envoy"] });
    expect(
      internal.exposures.filter((e) => e.via.listener?.startsWith("infra/Gateway/public")).every((e) => e.via.internal),
    ).toBe(true);
  });

  it("uses the configured data-plane identity when no pod carries the gateway-name label", () => {
    const withoutPods = { ...cluster, workloads: cluster.workloads.filter((w) => w.namespace !== "infra") };
    const unknown = exposure(withoutPods);
    // A synthetic pod in the Gateway's namespace, labelled with its name: the policy admits it.
    expect(
      unknown.exposures.find((e) => e.via.ref === "apps/HTTPRoute/shop" && e.workload === "apps/Deployment/web")!
        .blockedBy,
    ).toBeNull();
    const elsewhere = exposure(withoutPods, {
      gatewayDataPlane: { namespace: "envoy-gateway-system", podLabels: { "app.kubernetes.io/name": "envoy" } },
    });
    expect(
      elsewhere.exposures.find((e) => e.via.ref === "apps/HTTPRoute/shop" && e.workload === "apps/Deployment/web")!
        .blockedBy,
    ).toBe("apps/NetworkPolicy/from-gateway");
  });

  it("reads v1beta1 Gateways, v1alpha2 TCPRoutes and v1beta1 ReferenceGrants", () => {
    const statuses = gatewayRouteStatuses(cluster);
    const db = statuses.find((s) => s.route.id === "apps/TCPRoute/db")!;
    expect(db.parents.map((p) => [p.parent, p.reason, p.listeners.map((l) => l.listener.name)])).toEqual([
      ["infra/Gateway/public", "Accepted", ["postgres"]],
    ]);
    expect(statuses.find((s) => s.route.id === "apps/HTTPRoute/intranet")!.parents[0].reason).toBe("Accepted");
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });
});

describe("Gateway API hostnames", () => {
  it.each([
    ["*.example.com", "foo.example.com", true],
    ["*.example.com", "foo.bar.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "*.bar.example.com", true],
    ["example.com", "example.com", true],
    ["example.com", "foo.example.com", false],
  ])("%s matches %s: %s", (pattern, host, expected) => {
    expect(gatewayHostMatches(pattern, host)).toBe(expected);
  });

  it.each([
    [undefined, [], [undefined]],
    ["test.example.com", [], ["test.example.com"]],
    [undefined, ["a.com", "b.com"], ["a.com", "b.com"]],
    ["test.example.com", ["*.example.com"], ["test.example.com"]],
    [
      "*.example.com",
      ["test.example.com", "foo.test.example.com", "example.com", "test.example.net"],
      ["test.example.com", "foo.test.example.com"],
    ],
    ["*.example.com", ["*.com"], ["*.example.com"]],
    ["*.com", ["*.example.com"], ["*.example.com"]],
    ["*.wildcard.io", ["wildcard.io"], null],
  ] as [string | undefined, string[], (string | undefined)[] | null][])(
    "listener %s and route %j serve %j",
    (listener, route, expected) => {
      expect(intersectHostnames(listener, route)).toEqual(expected);
    },
  );
});
