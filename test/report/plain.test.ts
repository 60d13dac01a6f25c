// The headline and the findings table in plain words: objects by name and namespace (said once), ports
// by their well-known names, a new exposure by its way in, and a headline never longer than about two
// lines of a comment.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { headline } from "../../src/report/diff-text.js";
import { plainConns, plainFinding, plainMessage, plainObject } from "../../src/report/plain.js";
import { ConnSet, PortSet } from "../../src/core/port-set.js";
import { RULES } from "../../src/rules/index.js";
import { formatMessage, type Finding, type MessageValue } from "../../src/rules/rule.js";
import { diffClusters } from "../../src/review/review.js";
import { exposureOf } from "../../src/analysis/exposure-of.js";
import { defaultConfig } from "../../src/config/load-config.js";
import { loadSide } from "../../src/snapshot.js";

const SCENARIOS = resolve(import.meta.dirname, "../../fixtures/scenarios");
const scenario = (name: string) =>
  diffClusters(
    loadSide(join(SCENARIOS, name, "base")),
    loadSide(join(SCENARIOS, name, "head")),
    defaultConfig(),
    exposureOf,
  );

describe("plainObject", () => {
  it("names a workload by name and namespace, other kinds with their kind", () => {
    expect(plainObject("shop/StatefulSet/db")).toBe("db in namespace shop");
    expect(plainObject("shop/Service/db-external")).toBe("Service db-external in namespace shop");
    expect(plainObject("monitoring/Prometheus/k8s")).toBe("Prometheus k8s in namespace monitoring");
    expect(plainObject("kube-apiserver")).toBe("the API server");
    expect(plainObject("Namespace/shop")).toBe("Namespace shop");
    // A namespace the reader was told already is not said again.
    expect(plainObject("shop/StatefulSet/db", "shop")).toBe("db");
    expect(plainObject("shop/Service/db-external", "pay")).toBe("Service db-external in namespace shop");
  });
});

describe("plainConns", () => {
  it("names ports a reviewer knows, and says sets as one list", () => {
    expect(plainConns(ConnSet.ports("TCP", PortSet.of([[5432, 5432]])))).toBe("port 5432 (postgres)");
    expect(plainConns(ConnSet.ports("UDP", PortSet.of([[53, 53]])))).toBe("UDP port 53 (dns)");
    expect(
      plainConns(
        ConnSet.ports(
          "TCP",
          PortSet.of([
            [80, 80],
            [443, 443],
            [8080, 8080],
          ]),
        ),
      ),
    ).toBe("ports 80 (http), 443 (https), 8080");
    expect(plainConns(ConnSet.ALL)).toBe("all ports");
    expect(plainConns(ConnSet.ALL.subtract(ConnSet.ports("TCP", PortSet.of([[7000, 7000]]))))).toBe(
      "ports 1-6999, 7001-65535 and all UDP and SCTP ports",
    );
  });
});

/** A finding of a real rule and message, its message filled from the data as the judge does. */
function finding(rule: string, messageId: string, data: Record<string, MessageValue>, objects: string[]): Finding {
  const r = RULES.find((x) => x.id === rule)!;
  return {
    rule,
    severity: r.severity,
    title: r.title,
    messageId,
    data,
    message: formatMessage(r.messages[messageId], data),
    objects,
    fix: r.fix,
  };
}

describe("plainMessage (a row of the findings table)", () => {
  const r = scenario("new-internal-flow");
  const gained = (from: string, to: string, ports: string) =>
    finding("new-connection", "gained", { from, to, ports }, [from, to]);

  it("says a namespace both sides share once", () => {
    const f = gained("pay/Deployment/api", "pay/Deployment/ledger-v2", "TCP 9090");
    expect(f.message).toBe("pay/Deployment/api can now reach pay/Deployment/ledger-v2 on TCP 9090");
    expect(plainMessage(r, f)).toBe("api in namespace pay can now reach ledger-v2 on port 9090");
    // Under a row's lead that named the namespace: not at all.
    expect(plainMessage(r, f, "pay")).toBe("api can now reach ledger-v2 on port 9090");
  });

  it("names each side's namespace across namespaces, even under a lead that named one", () => {
    const f = finding(
      "new-cross-namespace-flow",
      "gained",
      { from: "monitoring/Deployment/prometheus", to: "shop/Deployment/web", ports: "TCP 8080,9090" },
      ["monitoring/Deployment/prometheus", "shop/Deployment/web"],
    );
    expect(plainMessage(r, f)).toBe(
      "prometheus in namespace monitoring can now reach web in namespace shop on ports 8080, 9090",
    );
    expect(plainMessage(r, f, "shop")).toBe("prometheus in namespace monitoring can now reach web on ports 8080, 9090");
  });

  it("names other kinds with their kind, and the API server as such", () => {
    const policy = finding(
      "policy-selects-nothing",
      "none",
      {
        policy: "data/NetworkPolicy/cache",
        namespace: "data",
        selector: "app=redis",
      },
      ["data/NetworkPolicy/cache"],
    );
    // The sentence names its namespace itself: not twice.
    expect(plainMessage(r, policy)).toBe(
      "NetworkPolicy cache selects no workload of namespace data (podSelector app=redis)",
    );
    const lb = finding("loadbalancer-without-source-ranges", "open", { service: "shop/Service/db-external" }, [
      "shop/Service/db-external",
    ]);
    expect(plainMessage(r, lb)).toBe(
      "Service db-external in namespace shop is a new internet-facing load balancer open to 0.0.0.0/0",
    );
    const webhook = finding(
      "connections-removed",
      "lost",
      { from: "kube-apiserver", lost: ["policy-system/Deployment/policy-webhook (TCP 443)"] },
      ["kube-apiserver", "policy-system/Deployment/policy-webhook"],
    );
    expect(plainMessage(r, webhook)).toBe(
      "the API server can no longer reach policy-webhook in namespace policy-system on port 443 (https)",
    );
  });

  it("says outside addresses as the internet only when they are every address", () => {
    const from = (peer: string) =>
      plainMessage(
        r,
        finding("ingress-from-internet", "gained", { from: peer, to: "shop/StatefulSet/db", ports: "TCP 5432" }, [
          "shop/StatefulSet/db",
        ]),
      );
    expect(from("outside 0.0.0.0/0")).toBe(
      "the internet (0.0.0.0/0) can now reach db in namespace shop on port 5432 (postgres)",
    );
    expect(from("outside 0.0.0.0/0 except 10.0.0.0/8")).toBe(
      "outside addresses 0.0.0.0/0 except 10.0.0.0/8 can now reach db in namespace shop on port 5432 (postgres)",
    );
    const lost = finding(
      "connections-removed",
      "lostMore",
      {
        from: "shop/Deployment/cart",
        lost: ["outside 0.0.0.0/0 (all ports)", "shop/Deployment/currency (TCP 1-6999,7001-65535; UDP all; SCTP all)"],
        more: 4,
      },
      ["shop/Deployment/cart", "shop/Deployment/currency"],
    );
    expect(plainMessage(r, lost)).toBe(
      "cart in namespace shop can no longer reach the internet (0.0.0.0/0) on all ports, currency on ports 1-6999, 7001-65535 and all UDP and SCTP ports and 4 more",
    );
  });

  it("words an entry point from the exposure the finding names, not from its message", () => {
    const db = scenario("db-loadbalancer");
    expect(db.findings.map((f) => plainMessage(db, f))).toEqual([
      "db in namespace shop becomes reachable from the internet on port 5432 (postgres) via the load balancer db-public",
      "the internet (0.0.0.0/0) can now reach db in namespace shop on port 5432 (postgres)",
      "Service db-public in namespace shop is a new internet-facing load balancer open to 0.0.0.0/0",
      "db in namespace shop becomes reachable on port 5432 (postgres) via a node port of db-public on every node, from the internet if your nodes have public addresses",
      "Service db-public in namespace shop opens a node port on every node",
    ]);
    const ips = scenario("external-ips");
    expect(plainMessage(ips, ips.findings.find((f) => f.rule === "new-internet-exposure")!)).toBe(
      "ftp in namespace legacy becomes reachable from the internet on port 2121 via the external IP 198.51.100.7 of Service ftp (port 21)",
    );
  });

  it("keeps a long message whole in the table, and cuts it in the headline", () => {
    const long = finding(
      "flow-blocked-one-sided",
      "cut",
      {
        from: "checkout-long-namespace/Deployment/payment-gateway-adapter",
        to: "checkout-long-namespace/StatefulSet/ledger-database-primary",
        ports: "TCP 5432",
        cut: "checkout-long-namespace/Deployment/payment-gateway-adapter",
        direction: "egress",
        other: "checkout-long-namespace/StatefulSet/ledger-database-primary",
      },
      [
        "checkout-long-namespace/Deployment/payment-gateway-adapter",
        "checkout-long-namespace/StatefulSet/ledger-database-primary",
      ],
    );
    expect(plainMessage(r, long)).toBe(
      "payment-gateway-adapter in namespace checkout-long-namespace can no longer reach ledger-database-primary (port 5432, postgres): payment-gateway-adapter's egress policy stopped allowing it, while ledger-database-primary's policy still allows it",
    );
    expect(plainFinding(r, long)).toBe(
      "payment-gateway-adapter in namespace checkout-long-namespace can no longer reach ledger-database-primary",
    );
  });
});

describe("plainFinding", () => {
  it("says what a new public load balancer does, in the words of the exposure", () => {
    const r = scenario("db-loadbalancer");
    expect(plainFinding(r, r.findings[0])).toBe(
      "this PR makes db in namespace shop reachable from the internet on port 5432 (postgres) through the load balancer db-public",
    );
  });

  it("says the condition of an entry on the nodes", () => {
    const r = scenario("web-nodeport");
    expect(headline(r)).toBe(
      "Medium risk: this PR makes blog in namespace blog reachable on node port 30080 of every node, from the internet if nodes are public",
    );
  });

  it("leaves where a dependency is declared, and why a flow broke, to the findings table", () => {
    expect(headline(scenario("declared-monitoring-stack"))).toBe(
      "High risk: grafana can no longer reach its data source prometheus-k8s.monitoring.svc:9090",
    );
    expect(headline(scenario("one-sided-egress-removal"))).toBe(
      "High risk: api in namespace shop can no longer reach db (port 5432, postgres)",
    );
  });

  it("keeps every scenario's headline to about two lines (the browser test measures them)", () => {
    for (const name of readdirSync(SCENARIOS).filter((n) => existsSync(join(SCENARIOS, n, "head"))))
      expect(headline(scenario(name)).length, name).toBeLessThanOrEqual(145);
  });
});
