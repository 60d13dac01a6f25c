// Calico policies (NetworkPolicy, GlobalNetworkPolicy, Tier) on fixtures written from Calico's documentation:
// the stars demo's Kubernetes NetworkPolicies with Calico policies ordered around them, and a tiered setup.
// Truth tables per pair and port, explain naming the deciding rule, and the dataplane setting.
import { describe, expect, it } from "vitest";
import { forDataplane } from "../../src/analysis/dataplane.js";
import { readFileSync } from "node:fs";
import { explain } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import { computeExposure } from "../../src/analysis/exposure/index.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Protocol } from "../../src/core/port-set.js";
import type { Cluster } from "../../src/model/types.js";
import { diags, fixture } from "../helpers/engine.js";

const id = (name: string) => (name.startsWith("ip:") ? name : `${name.split("/")[0]}/Pod/${name.split("/")[1]}`);

function allowed(cluster: Cluster, from: string, to: string, protocol: Protocol, port: number): boolean {
  return !explain(cluster, id(from), id(to), { protocol, port }).allowed.isEmpty();
}

type Row = [string, string, Protocol, number, boolean];

// The stars demo: pods are <namespace>/<name>.
const STARS: Row[] = [
  // backend-policy: frontends of stars on 6379 only.
  ["stars/frontend", "stars/backend", "TCP", 6379, true],
  ["stars/frontend", "stars/backend", "TCP", 80, false],
  // deny-canary (order 500) decides before backend-policy (order 1000) would allow.
  ["stars/canary", "stars/backend", "TCP", 6379, false],
  ["stars/canary", "stars/backend", "UDP", 6379, false],
  // frontend-policy: the client namespace on 80.
  ["client/client", "stars/frontend", "TCP", 80, true],
  ["client/client", "stars/canary", "TCP", 80, true],
  ["client/client", "stars/backend", "TCP", 6379, false],
  ["stars/canary", "stars/frontend", "TCP", 80, false],
  // allow-ui: the management UI reaches every pod of stars and client, on any port.
  ["management-ui/management-ui", "stars/backend", "TCP", 6379, true],
  ["management-ui/management-ui", "stars/backend", "TCP", 9999, true],
  ["management-ui/management-ui", "client/client", "TCP", 9000, true],
  // allow-stars (order 2000): reached because no NetworkPolicy rule matched in the default tier.
  ["stars/frontend", "client/client", "TCP", 9000, true],
  ["stars/backend", "client/client", "UDP", 9000, true],
  // Nothing selects the management UI: the profile allows.
  ["client/client", "management-ui/management-ui", "TCP", 9001, true],
  ["ip:8.8.8.8", "management-ui/management-ui", "TCP", 9001, true],
  ["ip:8.8.8.8", "stars/frontend", "TCP", 80, false],
];

// The tiers: security (100) -> platform (200, defaultAction Pass) -> default (NetworkPolicies at 1000).
const TIERS: Row[] = [
  // security passes prod's traffic; platform allows web -> db 5432.
  ["prod/web", "prod/db", "TCP", 5432, true],
  // platform's defaultAction Pass hands 5433 to the default tier, where db-only-web selects db and matches nothing.
  ["prod/web", "prod/db", "TCP", 5433, false],
  ["prod/web", "prod/db", "UDP", 5432, false],
  // security: Deny from app == 'debug' before the Pass for prod.
  ["prod/debug", "prod/db", "TCP", 5432, false],
  // security selects every pod: legacy's traffic matches no rule and is dropped at the end of the tier.
  ["legacy/old", "prod/db", "TCP", 5432, false],
  ["legacy/old", "prod/web", "TCP", 8080, false],
  ["legacy/old", "kube-system/kube-dns", "UDP", 53, false],
  // The service account prometheus is allowed 9090 in the security tier, whatever the later tiers say.
  ["prod/scraper", "prod/db", "TCP", 9090, true],
  ["prod/web", "prod/db", "TCP", 9090, false],
  // web-ingress (named port http = 8080), then allow-web-admin (order 1500) for 9000-9001.
  ["prod/db", "prod/web", "TCP", 8080, true],
  ["prod/db", "prod/web", "TCP", 9000, true],
  ["prod/db", "prod/web", "TCP", 9001, true],
  ["prod/db", "prod/web", "TCP", 9002, false],
  // Outside addresses: 10.0.0.0/8 passes the security tier; others are dropped there.
  ["ip:10.1.2.3", "prod/web", "TCP", 9000, true],
  ["ip:10.1.2.3", "prod/web", "TCP", 8080, false],
  ["ip:8.8.8.8", "prod/web", "TCP", 9000, false],
  // Egress: DNS allowed in the security tier, the metadata address denied, the rest passed and allowed.
  ["prod/web", "kube-system/kube-dns", "UDP", 53, true],
  ["prod/web", "ip:169.254.169.254", "TCP", 80, false],
  ["prod/web", "ip:1.1.1.1", "TCP", 443, true],
  ["prod/db", "legacy/old", "TCP", 80, true],
];

describe("Calico: the stars demo with Calico policies around the Kubernetes NetworkPolicies", () => {
  const c = fixture("calico/stars.yaml");
  it("reads the fixture without a problem", () => {
    expect(diags(c).filter((d) => !d.includes(": info: "))).toEqual([]);
    expect(c.calicoPolicies?.map((p) => p.id)).toEqual([
      "stars/NetworkPolicy.projectcalico.org/deny-canary",
      "client/NetworkPolicy.projectcalico.org/allow-stars",
    ]);
  });
  for (const [from, to, protocol, port, expected] of STARS)
    it(`${from} -> ${to} ${protocol} ${port}: ${expected ? "allowed" : "denied"}`, () => {
      expect(allowed(c, from, to, protocol, port)).toBe(expected);
    });
});

describe("Calico: tiers, order, Pass, Log and the end-of-tier drop", () => {
  const c = fixture("calico/tiers.yaml");
  it("reads the fixture without a problem", () => {
    expect(diags(c).filter((d) => !d.includes(": info: "))).toEqual([]);
    expect(c.calicoTiers?.map((t) => [t.name, t.order, t.defaultAction])).toEqual([
      ["security", 100, "Deny"],
      ["platform", 200, "Pass"],
    ]);
  });
  for (const [from, to, protocol, port, expected] of TIERS)
    it(`${from} -> ${to} ${protocol} ${port}: ${expected ? "allowed" : "denied"}`, () => {
      expect(allowed(c, from, to, protocol, port)).toBe(expected);
    });
});

describe("Calico in explain", () => {
  const stars = fixture("calico/stars.yaml");
  const tiers = fixture("calico/tiers.yaml");
  const F = "fixtures/engine/calico";

  it("names the Calico Deny rule that decides before the NetworkPolicy, with its file:line", () => {
    const e = explain(stars, "stars/Pod/canary", "stars/Pod/backend", { protocol: "TCP", port: 6379 });
    expect(e.ingress!.steps[0]).toEqual(
      expect.objectContaining({
        tier: "calico",
        calicoTier: "default",
        verdict: "deny",
        policy: "stars/NetworkPolicy.projectcalico.org/deny-canary",
        rule: "ingress[0] (Deny)",
        file: `${F}/stars.yaml`,
        line: 121,
      }),
    );
    expect(explanationText(e)).toContain(
      `stars/NetworkPolicy.projectcalico.org/deny-canary ingress[0] (Deny) (Calico tier default) denies TCP 6379 (${F}/stars.yaml:121)`,
    );
  });

  it("shows the NetworkPolicies that matched nothing and the later Calico Allow", () => {
    const text = explanationText(
      explain(stars, "stars/Pod/frontend", "client/Pod/client", { protocol: "TCP", port: 9000 }),
    );
    expect(text).toContain("client/NetworkPolicy/default-deny selects the pod but none of its rules matches this peer");
    expect(text).toContain(
      "client/NetworkPolicy.projectcalico.org/allow-stars ingress[0] (Allow) (Calico tier default) allows TCP 9000",
    );
  });

  it("names the end-of-tier drop, the tier and the policies that selected the pod", () => {
    const text = explanationText(explain(tiers, "legacy/Pod/old", "prod/Pod/db", { protocol: "TCP", port: 5432 }));
    expect(text).toContain(
      "Calico tier security: no rule decides TCP 5432; end of tier security (selected by GlobalNetworkPolicy/security.guard): denied (the tier's default deny)",
    );
  });

  it("follows a Pass through a tier whose defaultAction is Pass, and the Log rule that decides nothing", () => {
    const e = explain(tiers, "prod/Pod/web", "prod/Pod/db", { protocol: "TCP", port: 5433 });
    const text = explanationText(e);
    expect(text).toContain(
      "GlobalNetworkPolicy/security.guard ingress[2] (Pass) (Calico tier security) passes TCP 5433 to the next tier",
    );
    expect(text).toContain(
      "GlobalNetworkPolicy/platform.db-access ingress[0] (Log) (Calico tier platform) logs (and goes on) TCP 5433",
    );
    expect(text).toContain("its defaultAction Pass hands it to the next tier");
    expect(text).toContain("end of tier default (selected by prod/NetworkPolicy/db-only-web): denied");
  });
});

describe("Calico and the dataplane setting (network.cni)", () => {
  const c = fixture("calico/stars.yaml");
  it("discovers calico from the policies and says so; other ignores them with a note at each policy and tier", () => {
    const found = forDataplane(c, { mesh: "none" });
    expect(diags(found).some((d) => d.includes("network.cni is not set: the repository holds Calico policies"))).toBe(
      true,
    );
    expect(allowed(found, "stars/canary", "stars/backend", "TCP", 6379)).toBe(false);
    const other = forDataplane(c, { cni: "other", mesh: "none" });
    expect(allowed(other, "stars/canary", "stars/backend", "TCP", 6379)).toBe(true);
    expect(allowed(other, "stars/frontend", "client/client", "TCP", 9000)).toBe(false);
    expect(diags(other).filter((d) => d.includes("is ignored: network.cni is other"))).toEqual([
      expect.stringMatching(
        /stars\.yaml:\d+: info: stars\/NetworkPolicy\.projectcalico\.org\/deny-canary is ignored: network\.cni is other, which does not enforce NetworkPolicy/,
      ),
      expect.stringMatching(/allow-stars is ignored/),
    ]);
    const tiers = forDataplane(fixture("calico/tiers.yaml"), { cni: "cilium", mesh: "none" });
    expect(diags(tiers).filter((d) => d.includes("is ignored: network.cni is cilium"))).toHaveLength(5);
  });
});

describe("Calico in the exposure analysis", () => {
  it("a LoadBalancer to web: 8080 is dropped at the end of the security tier; 9000 and legacy's 80 pass from 10.0.0.0/8 only", () => {
    const d = new Diagnostics();
    const text = `${readFileSync("fixtures/engine/calico/tiers.yaml", "utf8")}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{name: a, port: 80, targetPort: http}, {name: b, port: 9000}]}
---
apiVersion: v1
kind: Service
metadata: {name: old, namespace: legacy}
spec: {type: LoadBalancer, selector: {app: old}, ports: [{port: 80}]}
`;
    const cluster = buildCluster(parseManifestText("x.yaml", text, d), {}, d);
    const seen = new Map(
      computeExposure(cluster, {}).exposures.map((e) => [
        `${e.workload}:${e.port}`,
        { blockedBy: e.blockedBy, onlyFrom10: e.notes.some((n) => n.includes("only from 10.0.0.0/8")) },
      ]),
    );
    expect(Object.fromEntries(seen)).toEqual({
      "prod/Pod/web:8080": { blockedBy: "GlobalNetworkPolicy/security.guard", onlyFrom10: false },
      "prod/Pod/web:9000": { blockedBy: null, onlyFrom10: true },
      "legacy/Pod/old:80": { blockedBy: null, onlyFrom10: true },
    });
  });
});
