// Oracle: the Gateway API v1.6.1 conformance manifests. Each scenario loads conformance/base plus one
// test file, and the route attachment and backend resolution we compute statically must agree with
// what the upstream conformance test asserts for a conformant implementation (CONFORMANCE_INDEX.md).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeExposure, gatewayRouteStatuses, type RouteStatus } from "../../../src/analysis/exposure/index.js";
import type { RawObject } from "../../../src/manifests/parse.js";
import { loadSnapshot } from "../../../src/snapshot.js";
import { clusterOf, haveShared, lines, rawObjects, REALWORLD } from "../../helpers/exposure.js";

const GW = join(REALWORLD, "gateway-api-v1.6.1");
const BASE = join(GW, "conformance/base/manifests.yaml");
const TESTS = join(GW, "conformance/tests");
const INFRA = "gateway-conformance-infra";

const scenarios = new Map<string, ReturnType<typeof loadScenario>>();
function loadScenario(file: string) {
  const cluster = loadSnapshot([BASE, join(TESTS, file)], { displayRoot: GW });
  return { cluster, statuses: gatewayRouteStatuses(cluster), result: computeExposure(cluster) };
}
/** conformance/base plus one test file, read once. */
function scenario(file: string) {
  let hit = scenarios.get(file);
  if (!hit) scenarios.set(file, (hit = loadScenario(file)));
  return hit;
}

function status(statuses: readonly RouteStatus[], name: string): RouteStatus {
  const hit = statuses.filter((s) => s.route.name === name);
  if (hit.length !== 1) throw new Error(`${hit.length} routes named ${name}`);
  return hit[0];
}

/** Per parentRef: the Accepted reason. */
const attachReasons = (statuses: readonly RouteStatus[], name: string) =>
  status(statuses, name).parents.map((p) => p.reason);
/** The ResolvedRefs reasons of the route's backends, in rule order. */
const backendReasons = (statuses: readonly RouteStatus[], name: string) =>
  status(statuses, name).backends.map((b) => b.reason);
/** Listener name -> hostnames the route serves there. */
const listenersOf = (statuses: readonly RouteStatus[], name: string) =>
  Object.fromEntries(
    status(statuses, name).parents.flatMap((p) =>
      p.listeners.map((l) => [l.listener.name, l.hostnames.map((h) => h ?? "*")]),
    ),
  );

describe.skipIf(!haveShared(GW))(
  "Gateway API v1.6.1 conformance: route attachment (needs ../shared/realworld/gateway-api-v1.6.1)",
  () => {
    // [test file, route, expected Accepted reason per parentRef]
    const ATTACH: [string, string, string[]][] = [
      ["httproute-hostname-intersection.yaml", "specific-host-matches-listener-specific-host", ["Accepted"]],
      ["httproute-hostname-intersection.yaml", "specific-host-matches-listener-wildcard-host", ["Accepted"]],
      ["httproute-hostname-intersection.yaml", "wildcard-host-matches-listener-specific-host", ["Accepted"]],
      ["httproute-hostname-intersection.yaml", "wildcard-host-matches-listener-wildcard-host", ["Accepted"]],
      ["httproute-hostname-intersection.yaml", "no-intersecting-hosts", ["NoMatchingListenerHostname"]],
      ["httproute-hostname-intersection.yaml", "httproute-hostname-intersection-all", ["Accepted"]],
      ["httproute-listener-hostname-matching.yaml", "backend-v1", ["Accepted"]],
      ["httproute-listener-hostname-matching.yaml", "backend-v2", ["Accepted"]],
      ["httproute-listener-hostname-matching.yaml", "backend-v3", ["Accepted", "Accepted"]],
      ["httproute-listener-port-matching.yaml", "backend-v1", ["Accepted"]],
      ["httproute-listener-port-matching.yaml", "backend-v2", ["Accepted"]],
      ["httproute-listener-port-matching.yaml", "backend-v3", ["Accepted"]],
      ["grpcroute-listener-hostname-matching.yaml", "backend-v1", ["Accepted"]],
      ["grpcroute-listener-hostname-matching.yaml", "backend-v3", ["Accepted", "Accepted"]],
      ["httproute-cross-namespace.yaml", "cross-namespace", ["Accepted"]],
      [
        "httproute-invalid-cross-namespace-parent-ref.yaml",
        "invalid-cross-namespace-parent-ref",
        ["NotAllowedByListeners"],
      ],
      ["httproute-disallowed-kind.yaml", "disallowed-kind", ["NotAllowedByListeners"]],
      ["tcproute-invalid-non-tcp-listener.yaml", "tcp-route", ["NotAllowedByListeners"]],
      ["udproute-not-allowed-by-listeners.yaml", "udproute-not-allowed-by-listeners", ["NotAllowedByListeners"]],
      [
        "httproute-invalid-parentref-not-matching-listener-port.yaml",
        "httproute-listener-not-matching-route-port",
        ["NoMatchingParent"],
      ],
      [
        "httproute-invalid-parentref-not-matching-section-name.yaml",
        "httproute-listener-not-matching-section-name",
        ["NoMatchingParent"],
      ],
      [
        "httproute-invalid-parentref-section-name-not-matching-port.yaml",
        "httproute-listener-section-name-not-matching-port",
        ["NoMatchingParent"],
      ],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-more-specific-wc-hostname-x-1", ["Accepted"]],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-exact-hostname-x-2", ["Accepted"]],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-less-specific-wc-hostname-x-2", ["Accepted"]],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-exact-hostname-x-3", ["Accepted"]],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-more-specific-wc-hostname-x-3", ["Accepted"]],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-exact-hostname-x-4", ["Accepted"]],
      ["tlsroute-hostname-intersection.yaml", "tlsroute-less-specific-wc-hostname-x-4", ["Accepted"]],
      [
        "tlsroute-invalid-no-matching-listener-hostname.yaml",
        "tlsroute-hostname-mismatch-1",
        ["NoMatchingListenerHostname"],
      ],
      [
        "tlsroute-invalid-no-matching-listener-hostname.yaml",
        "tlsroute-hostname-mismatch-2",
        ["NoMatchingListenerHostname"],
      ],
      ["tlsroute-invalid-no-matching-listener.yaml", "tlsroute-not-allowed-protocol-http", ["NotAllowedByListeners"]],
      ["tlsroute-invalid-no-matching-listener.yaml", "tlsroute-not-allowed-protocol-https", ["NotAllowedByListeners"]],
      ["tlsroute-invalid-no-matching-listener.yaml", "tlsroute-no-matching-section-name", ["NoMatchingParent"]],
      ["tcproute-parentref-attach-all.yaml", "tcp-route-attach-all", ["Accepted"]],
      ["tcproute-parentref-port-and-section-name.yaml", "tcp-route-by-port", ["Accepted"]],
      ["tcproute-parentref-port-and-section-name.yaml", "tcp-route-by-section", ["Accepted"]],
      ["tcproute-parentref-port-and-section-name.yaml", "tcp-route-by-section-and-port", ["Accepted"]],
      ["udproute-parentref-attach-all-listeners.yaml", "udp-route-attach-all", ["Accepted"]],
      ["udproute-parentref-port-and-section-name.yaml", "udp-route-by-port", ["Accepted"]],
      ["udproute-parentref-port-and-section-name.yaml", "udp-route-by-section", ["Accepted"]],
      ["udproute-parentref-port-and-section-name.yaml", "udp-route-by-section-and-port", ["Accepted"]],
      ["gateway-with-attached-routes.yaml", "http-route-1", ["Accepted"]],
      ["gateway-with-attached-routes.yaml", "http-route-2", ["Accepted"]],
      ["gateway-with-attached-routes.yaml", "http-route-3", ["Accepted"]],
      ["gateway-with-attached-routes.yaml", "http-route-not-accepted", ["NoMatchingListenerHostname"]],
      ["httproute-multiple-gateways.yaml", "multiple-gateways-shared-route", ["Accepted", "Accepted"]],
    ];

    it.each(ATTACH)("%s: %s is %j", (file, route, expected) => {
      expect(attachReasons(scenario(file).statuses, route)).toEqual(expected);
    });

    it("hostname intersection: AttachedRoutes 2, 1, 1 and the effective hostnames per listener", () => {
      const { statuses } = scenario("httproute-hostname-intersection.yaml");
      const attached: Record<string, number> = {};
      for (const s of statuses)
        for (const p of s.parents)
          if (p.parent === `${INFRA}/Gateway/httproute-hostname-intersection`)
            for (const l of p.listeners) attached[l.listener.name] = (attached[l.listener.name] ?? 0) + 1;
      expect(attached).toEqual({ "listener-1": 2, "listener-2": 1, "listener-3": 1 });
      expect(listenersOf(statuses, "specific-host-matches-listener-wildcard-host")).toEqual({
        "listener-2": ["foo.wildcard.io", "bar.wildcard.io", "foo.bar.wildcard.io"],
      });
      expect(listenersOf(statuses, "wildcard-host-matches-listener-specific-host")).toEqual({
        "listener-1": ["very.specific.com"],
      });
      expect(listenersOf(statuses, "wildcard-host-matches-listener-wildcard-host")).toEqual({
        "listener-3": ["*.anotherwildcard.io"],
      });
    });

    it("a refused route exposes nothing and is reported with its reason", () => {
      const { result } = scenario("httproute-hostname-intersection.yaml");
      expect(result.exposures.filter((e) => e.via.ref === `${INFRA}/HTTPRoute/no-intersecting-hosts`)).toEqual([]);
      expect(result.broken.map((b) => `${b.ref} ${b.reason.split(":")[0]}`)).toEqual([
        `${INFRA}/HTTPRoute/no-intersecting-hosts NoMatchingListenerHostname`,
      ]);
      // The route serves /s5 on infra-backend-v2, which other routes still expose.
      expect(result.exposures.some((e) => e.via.matches?.includes("PathPrefix /s5"))).toBe(false);
    });

    it("listener hostname matching: routes bind by sectionName, one route to two sections", () => {
      const { statuses, result } = scenario("httproute-listener-hostname-matching.yaml");
      expect(listenersOf(statuses, "backend-v1")).toEqual({ "listener-1": ["bar.com"] });
      expect(listenersOf(statuses, "backend-v2")).toEqual({ "listener-2": ["foo.bar.com"] });
      expect(listenersOf(statuses, "backend-v3")).toEqual({ "listener-3": ["*.bar.com"], "listener-4": ["*.foo.com"] });
      expect(lines(result.exposures.filter((e) => e.via.ref.endsWith("/backend-v3")))).toEqual([
        `Gateway ${INFRA}/Gateway/httproute-listener-hostname-matching:listener-3 :80 *.bar.com via ${INFRA}/HTTPRoute/backend-v3 (0.0.0.0/0) -> ${INFRA}/Service/infra-backend-v3 :8080 -> ${INFRA}/Deployment/infra-backend-v3 TCP 3000`,
        `Gateway ${INFRA}/Gateway/httproute-listener-hostname-matching:listener-4 :80 *.foo.com via ${INFRA}/HTTPRoute/backend-v3 (0.0.0.0/0) -> ${INFRA}/Service/infra-backend-v3 :8080 -> ${INFRA}/Deployment/infra-backend-v3 TCP 3000`,
      ]);
    });

    it("listener port matching: a parentRef port selects every listener on it; port and sectionName together select one", () => {
      const { statuses } = scenario("httproute-listener-port-matching.yaml");
      expect(Object.keys(listenersOf(statuses, "backend-v1"))).toEqual(["listener-1"]);
      expect(Object.keys(listenersOf(statuses, "backend-v2"))).toEqual(["listener-2", "listener-3"]);
      expect(Object.keys(listenersOf(statuses, "backend-v3"))).toEqual(["listener-4"]);
    });

    it("L4 routes without sectionName or port attach to every compatible listener", () => {
      expect(
        Object.keys(listenersOf(scenario("tcproute-parentref-attach-all.yaml").statuses, "tcp-route-attach-all")),
      ).toEqual(["one", "two", "three", "four"]);
      const udp = scenario("udproute-parentref-attach-all-listeners.yaml");
      expect(Object.keys(listenersOf(udp.statuses, "udp-route-attach-all"))).toEqual(["udp-1", "udp-2", "udp-3"]);
      expect(udp.result.exposures.map((e) => `${e.via.listener} -> ${e.workload} ${e.protocol} ${e.port}`)).toEqual([
        `${INFRA}/Gateway/udp-attach-all-listeners-gateway:udp-1 -> ${INFRA}/Deployment/udp-echo-attach-all UDP 8080`,
        `${INFRA}/Gateway/udp-attach-all-listeners-gateway:udp-2 -> ${INFRA}/Deployment/udp-echo-attach-all UDP 8080`,
        `${INFRA}/Gateway/udp-attach-all-listeners-gateway:udp-3 -> ${INFRA}/Deployment/udp-echo-attach-all UDP 8080`,
      ]);
    });

    it("allowedRoutes Selector matches the automatic kubernetes.io/metadata.name label", () => {
      const { result } = scenario("gateway-with-attached-routes.yaml");
      expect(result.exposures.filter((e) => e.via.ref.endsWith("/http-route-1")).map((e) => e.via.listener)).toEqual([
        `${INFRA}/Gateway/gateway-with-one-attached-route:http`,
      ]);
    });
  },
);

describe.skipIf(!haveShared(GW))(
  "Gateway API v1.6.1 conformance: backend references (needs ../shared/realworld/gateway-api-v1.6.1)",
  () => {
    // [test file, route, expected ResolvedRefs reason per backendRef]
    const RESOLVE: [string, string, string[]][] = [
      ["httproute-reference-grant.yaml", "reference-grant", ["ResolvedRefs"]],
      ["tcproute-reference-grant.yaml", "tcp-reference-grant", ["ResolvedRefs"]],
      ["udproute-reference-grant.yaml", "udp-route-reference-grant", ["ResolvedRefs"]],
      ["httproute-invalid-reference-grant.yaml", "reference-grant", ["RefNotPermitted"]],
      ["tlsroute-invalid-reference-grant.yaml", "gateway-conformance-infra-test", ["RefNotPermitted"]],
      [
        "httproute-invalid-cross-namespace-backend-ref.yaml",
        "invalid-cross-namespace-backend-ref",
        ["RefNotPermitted"],
      ],
      [
        "tcproute-invalid-cross-namespace-backend-ref.yaml",
        "tcp-invalid-cross-namespace-backend-ref",
        ["RefNotPermitted"],
      ],
      [
        "udproute-invalid-cross-namespace-backend-ref.yaml",
        "udp-route-invalid-cross-namespace-backend-ref",
        ["RefNotPermitted"],
      ],
      [
        "httproute-partially-invalid-via-invalid-reference-grant.yaml",
        "invalid-reference-grant",
        ["RefNotPermitted", "ResolvedRefs"],
      ],
      ["httproute-invalid-nonexistent-backendref.yaml", "invalid-nonexistent-backend-ref", ["BackendNotFound"]],
      [
        "tcproute-invalid-backendref-nonexistent.yaml",
        "tcp-route-invalid-backend-ref-nonexistent",
        ["BackendNotFound"],
      ],
      [
        "udproute-invalid-backendref-nonexistent.yaml",
        "udp-route-invalid-backend-ref-nonexistent",
        ["BackendNotFound"],
      ],
      ["tlsroute-invalid-backendref-nonexistent.yaml", "invalid-backend-ref-nonexistent", ["BackendNotFound"]],
      ["httproute-invalid-backendref-unknown-kind.yaml", "invalid-backend-ref-unknown-kind", ["InvalidKind"]],
      ["tlsroute-invalid-backendref-unknown-kind.yaml", "invalid-backend-ref-unknown-kind", ["InvalidKind"]],
    ];

    it.each(RESOLVE)("%s: %s resolves %j", (file, route, expected) => {
      const { statuses } = scenario(file);
      expect(attachReasons(statuses, route)).toEqual(["Accepted"]);
      expect(backendReasons(statuses, route)).toEqual(expected);
    });

    it("a granted cross-namespace backend is exposed; an ungranted one is broken with RefNotPermitted", () => {
      expect(lines(scenario("httproute-reference-grant.yaml").result)).toEqual([
        `Gateway ${INFRA}/Gateway/same-namespace:http :80 * via ${INFRA}/HTTPRoute/reference-grant (0.0.0.0/0) -> gateway-conformance-web-backend/Service/web-backend :8080 -> gateway-conformance-web-backend/Deployment/web-backend TCP 3000`,
      ]);
      const { result } = scenario("httproute-invalid-cross-namespace-backend-ref.yaml");
      expect(result.exposures).toEqual([]);
      expect(result.broken.map((b) => b.reason)).toEqual([
        "RefNotPermitted: rule 1: backendRef to gateway-conformance-web-backend/Service/web-backend in another namespace is not allowed by a ReferenceGrant in gateway-conformance-web-backend",
      ]);
    });

    it("partially invalid: the /v2 rule is refused while the other rule still routes", () => {
      const { result } = scenario("httproute-partially-invalid-via-invalid-reference-grant.yaml");
      expect(result.exposures.map((e) => `${e.workload} ${e.via.matches?.join(",")}`)).toEqual([
        "gateway-conformance-app-backend/Deployment/app-backend-v1 PathPrefix /",
      ]);
      expect(result.broken.map((b) => b.reason.split(":").slice(0, 2).join(":"))).toEqual(["RefNotPermitted: rule 1"]);
    });

    it("L4 grants: TCP and UDP backends in other namespaces are exposed with their protocol", () => {
      expect(
        scenario("tcproute-reference-grant.yaml").result.exposures.map((e) => `${e.workload} ${e.protocol} ${e.port}`),
      ).toEqual(["gateway-conformance-web-backend/Deployment/tcp-reference-grant-backend TCP 3000"]);
      expect(
        scenario("udproute-reference-grant.yaml").result.exposures.map((e) => `${e.workload} ${e.protocol} ${e.port}`),
      ).toEqual(["gateway-conformance-app-backend/Deployment/udp-echo-reference-grant UDP 8080"]);
    });

    it("request mirrors: every mirror target also receives the traffic", () => {
      const one = scenario("httproute-request-mirror.yaml").result.exposures;
      expect(
        one
          .filter((e) => e.notes.includes("receives a mirrored copy of the requests (RequestMirror)"))
          .map((e) => e.workload),
      ).toEqual([`${INFRA}/Deployment/infra-backend-v2`]);
      const many = scenario("httproute-request-multiple-mirrors.yaml").result.exposures;
      expect(
        many
          .filter((e) => e.notes.includes("receives a mirrored copy of the requests (RequestMirror)"))
          .map((e) => e.workload),
      ).toEqual([`${INFRA}/Deployment/infra-backend-v2`, `${INFRA}/Deployment/infra-backend-v3`]);
    });

    it("weights: each backend's share is noted", () => {
      const weights = scenario("httproute-weight.yaml").result.exposures.map(
        (e) => `${e.workload}: ${e.notes.find((n) => n.startsWith("weight"))}`,
      );
      expect(weights).toEqual([
        `${INFRA}/Deployment/infra-backend-v1: weight 70 of 100`,
        `${INFRA}/Deployment/infra-backend-v2: weight 30 of 100`,
      ]);
    });
  },
);

describe.skipIf(!haveShared(GW))(
  "Gateway API v1.6.1 conformance: ReferenceGrant near misses (needs ../shared/realworld/gateway-api-v1.6.1)",
  () => {
    const base = () => rawObjects(BASE);
    const objects = (file: string) => rawObjects(join(TESTS, file));
    const grantOf = (list: RawObject[], name: string) =>
      list.find((o) => o.data.kind === "ReferenceGrant" && (o.data.metadata as { name: string }).name === name)!;
    const clone = (o: RawObject): RawObject => ({ data: structuredClone(o.data), source: o.source });
    const spec = (o: RawObject) => o.data.spec as { from: Record<string, string>[]; to: Record<string, string>[] };

    /** What each near-miss grant gets wrong, and the single edit that makes it a valid grant. */
    const NEAR_MISSES = (routeKind: string, targetNs: string, service: string): [string, (g: RawObject) => void][] => [
      [
        "reference-grant-wrong-namespace",
        (g) => void ((g.data.metadata as Record<string, string>).namespace = targetNs),
      ],
      ["reference-grant-wrong-from-group", (g) => void (spec(g).from[0].group = "gateway.networking.k8s.io")],
      ["reference-grant-wrong-from-kind", (g) => void (spec(g).from[0].kind = routeKind)],
      ["reference-grant-wrong-from-namespace", (g) => void (spec(g).from[0].namespace = INFRA)],
      ["reference-grant-wrong-to-group", (g) => void (spec(g).to[0].group = "")],
      ["reference-grant-wrong-to-kind", (g) => void (spec(g).to[0].kind = "Service")],
      ["reference-grant-wrong-to-name", (g) => void Object.assign(spec(g).to[0], { kind: "Service", name: service })],
    ];

    for (const [file, routeName, routeKind, targetNs, service] of [
      [
        "httproute-invalid-reference-grant.yaml",
        "reference-grant",
        "HTTPRoute",
        "gateway-conformance-web-backend",
        "web-backend",
      ],
      [
        "tlsroute-invalid-reference-grant.yaml",
        "gateway-conformance-infra-test",
        "TLSRoute",
        "gateway-conformance-app-backend",
        "tls-backend",
      ],
    ] as const) {
      const cases = NEAR_MISSES(routeKind, targetNs, service);

      it.each(cases)(
        `${routeKind}: %s alone does not permit the backend, and fixing that one field does`,
        (grantName, fix) => {
          const all = objects(file);
          const others = all.filter((o) => o.data.kind !== "ReferenceGrant");
          const grant = grantOf(all, grantName);
          expect(grant).toBeDefined();
          const refused = gatewayRouteStatuses(clusterOf([...base(), ...others, grant]));
          expect(backendReasons(refused, routeName)).toEqual(["RefNotPermitted"]);
          const fixed = clone(grant);
          fix(fixed);
          const permitted = gatewayRouteStatuses(clusterOf([...base(), ...others, fixed]));
          expect(backendReasons(permitted, routeName)).toEqual(["ResolvedRefs"]);
        },
      );

      it(`${routeKind}: the file holds exactly these ${cases.length} grants and together they permit nothing`, () => {
        const all = objects(file);
        expect(
          all
            .filter((o) => o.data.kind === "ReferenceGrant")
            .map((o) => (o.data.metadata as { name: string }).name)
            .sort(),
        ).toEqual(cases.map(([n]) => n).sort());
        const { result } = scenario(file);
        expect(result.exposures).toEqual([]);
        expect(result.broken.map((b) => b.reason.split(":")[0])).toEqual(["RefNotPermitted"]);
      });
    }

    it("the valid grant of httproute-reference-grant.yaml permits the same route", () => {
      const valid = grantOf(objects("httproute-reference-grant.yaml"), "reference-grant");
      const route = objects("httproute-invalid-reference-grant.yaml").filter((o) => o.data.kind === "HTTPRoute");
      expect(backendReasons(gatewayRouteStatuses(clusterOf([...base(), ...route, valid])), "reference-grant")).toEqual([
        "ResolvedRefs",
      ]);
    });

    it("removing the grant revokes the access", () => {
      const route = objects("httproute-reference-grant.yaml").filter((o) => o.data.kind !== "ReferenceGrant");
      expect(backendReasons(gatewayRouteStatuses(clusterOf([...base(), ...route])), "reference-grant")).toEqual([
        "RefNotPermitted",
      ]);
    });
  },
);

describe.skipIf(!haveShared(GW))(
  "Gateway API v1.6.1 conformance: every test manifest (needs ../shared/realworld/gateway-api-v1.6.1)",
  () => {
    it("reads every object of every conformance test without errors", async () => {
      const { readdirSync } = await import("node:fs");
      const files = readdirSync(TESTS).filter((f) => f.endsWith(".yaml"));
      expect(files.length).toBe(132);
      for (const file of files) {
        const { cluster, result } = scenario(file);
        const problems = [...cluster.diagnostics, ...result.diagnostics]
          .filter((d) => d.severity !== "info")
          .map((d) => `${file}: ${d.message}`);
        expect(problems).toEqual([]);
      }
    });
  },
);
