// Istio AuthorizationPolicy and PeerAuthentication on Istio's authorization and mTLS task examples: the truth
// table per pair and port, explain naming the deciding policy and rule, and the mesh setting.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { forDataplane } from "../../src/analysis/dataplane.js";
import { explain } from "../../src/analysis/explain.js";
import { explanationText } from "../../src/report/explain-text.js";
import type { Protocol } from "../../src/core/port-set.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Cluster } from "../../src/model/types.js";
import { diags, fixture, ROOT } from "../helpers/engine.js";

const F = "fixtures/engine/istio/docs.yaml";
const c = forDataplane(fixture("istio/docs.yaml"), { mesh: "istio" });
const id = (name: string) => (name.startsWith("ip:") ? name : `${name.split("/")[0]}/Pod/${name.split("/")[1]}`);

function allowed(cluster: Cluster, from: string, to: string, protocol: Protocol, port: number): boolean {
  return !explain(cluster, id(from), id(to), { protocol, port }).allowed.isEmpty();
}

// [from, to, protocol, port, allowed]
const ISTIO_TABLE: [string, string, Protocol, number, boolean][] = [
  // The HTTP task: allow-nothing in default, productpage open to GET (L7: allowed at L4), details and ratings by principal.
  ["foo/sleep", "default/productpage", "TCP", 9080, true],
  ["legacy/sleep", "default/productpage", "TCP", 9080, true],
  ["default/productpage", "default/details", "TCP", 9080, true],
  ["default/reviews", "default/details", "TCP", 9080, false],
  ["default/reviews", "default/ratings", "TCP", 9080, true],
  ["default/productpage", "default/ratings", "TCP", 9080, false],
  ["foo/sleep", "default/reviews", "TCP", 9080, false],
  // Only TCP goes through the proxy.
  ["legacy/sleep", "default/reviews", "UDP", 9080, true],
  // The TCP task: ports 9000 and 9001 only; STRICT refuses plaintext, except on the PERMISSIVE port 9001.
  ["foo/sleep", "foo/tcp-echo", "TCP", 9000, true],
  ["foo/sleep", "foo/tcp-echo", "TCP", 9002, false],
  ["bar/sleep", "foo/tcp-echo", "TCP", 9001, true],
  ["legacy/sleep", "foo/tcp-echo", "TCP", 9000, false],
  ["legacy/sleep", "foo/tcp-echo", "TCP", 9001, true],
  ["legacy/sleep", "foo/sleep", "TCP", 80, false],
  // The deny task: namespace bar denied; DENY POST and CUSTOM /headers decide per request (not at L4).
  ["bar/sleep", "foo/httpbin", "TCP", 8080, false],
  ["foo/sleep", "foo/httpbin", "TCP", 8080, true],
  ["legacy/sleep", "foo/httpbin", "TCP", 8080, false],
  // A pod that opts out of injection is outside the mesh: no Istio policy applies to it.
  ["legacy/sleep", "foo/opted-out", "TCP", 8080, true],
  ["bar/sleep", "foo/opted-out", "TCP", 8080, true],
  // Allow by principal (mTLS identity) or address range; plaintext has no principal.
  ["foo/sleep", "bar/httpbin", "TCP", 8080, true],
  ["bar/sleep", "bar/httpbin", "TCP", 8080, false],
  ["legacy/sleep", "bar/httpbin", "TCP", 8080, false],
  ["ip:203.0.113.7", "bar/httpbin", "TCP", 8080, true],
  ["ip:198.51.100.1", "bar/httpbin", "TCP", 8080, false],
  // The root namespace's DENY notPrincipals ["*"] applies in every namespace: plaintext may not reach web.
  ["legacy/sleep", "qux/web", "TCP", 8080, false],
  ["legacy/injected", "qux/web", "TCP", 8080, true],
  ["foo/sleep", "qux/web", "TCP", 8080, true],
  ["legacy/sleep", "amb/web", "TCP", 8080, false],
  // mTLS DISABLE: even a pod in the mesh presents no principal.
  ["foo/sleep", "qux/web-plain", "TCP", 8080, false],
  // Ambient: ztunnel enforces L4 rules; an ALLOW rule with methods matches nothing, a DENY rule with them
  // denies the connection (fail safe).
  ["amb/sleep", "amb/web", "TCP", 8080, true],
  ["foo/sleep", "amb/web", "TCP", 8080, false],
  ["amb/sleep", "amb/httpbin", "TCP", 8080, false],
  ["foo/sleep", "amb/api", "TCP", 8080, false],
  ["bar/sleep", "amb/api", "TCP", 8080, true],
  ["ip:8.8.8.8", "amb/api", "TCP", 8080, true],
  // A policy on a Service by targetRefs is the waypoint's: it reads requests, so GET is restricted at L7 only.
  ["amb/sleep", "amb/reviews", "TCP", 9080, true],
  ["bar/sleep", "amb/reviews", "TCP", 9080, false],
  // A gateway pod is a proxy of the mesh: its namespace is known over mTLS, a plain pod's is not.
  ["istio-system/istio-ingressgateway", "qux/gateway-only", "TCP", 3000, true],
  ["legacy/sleep", "qux/gateway-only", "TCP", 3000, false],
  ["foo/sleep", "qux/gateway-only", "TCP", 3000, false],
  // Istio decides at the destination: egress from a mesh pod to a pod outside it is untouched.
  ["foo/httpbin", "legacy/sleep", "TCP", 80, true],
  ["amb/httpbin", "legacy/sleep", "TCP", 80, true],
];

describe("Istio's task examples: the truth table", () => {
  it("reads every policy without a diagnostic beyond the mesh", () => {
    expect(diags(c).filter((d) => !d.includes(": info: "))).toEqual([]);
    expect(c.authorizationPolicies).toHaveLength(16);
    expect(c.peerAuthentications).toHaveLength(3);
  });

  it.each(ISTIO_TABLE)("%s -> %s %s %i: %s", (from, to, protocol, port, expected) => {
    expect(allowed(c, from, to, protocol, port)).toBe(expected);
  });
});

describe("explain names the deciding Istio policy and rule", () => {
  const text = (from: string, to: string, port: number) =>
    explanationText(explain(c, id(from), id(to), { protocol: "TCP", port }));

  it("a DENY rule by namespace", () => {
    expect(text("bar/sleep", "foo/httpbin", 8080)).toContain(
      `foo/AuthorizationPolicy/deny-bar rules[0] denies TCP 8080 (${F}:`,
    );
  });

  it("an ALLOW policy with no rules (allow-nothing) and one whose rule does not match", () => {
    const t = text("default/reviews", "default/details", 9080);
    expect(t).toContain("default/AuthorizationPolicy/allow-nothing (ALLOW) applies to the pod but none of its rules");
    expect(t).toContain("default/AuthorizationPolicy/details-viewer (ALLOW) applies to the pod but none of its rules");
    expect(t).toContain("(isolated by an Istio ALLOW policy and no rule allows this traffic)");
  });

  it("an L7 ALLOW rule: allowed at L4, restricted at L7", () => {
    expect(text("default/productpage", "default/details", 9080)).toMatch(
      /default\/AuthorizationPolicy\/details-viewer rules\[0\] allows TCP 9080 \(.*docs\.yaml:\d+\) — allowed at L4, restricted at L7 \(methods: GET\)/,
    );
  });

  it("DENY POST and a CUSTOM authorizer decide per request, and are said so", () => {
    const t = text("foo/sleep", "foo/httpbin", 8080);
    expect(t).toContain("foo/AuthorizationPolicy/deny-post rules[0] matches TCP 8080 but decides per request");
    expect(t).toContain("(methods: POST)");
    expect(t).toContain("CUSTOM authorizer sample-ext-authz-grpc");
  });

  it("STRICT mTLS names the PeerAuthentication", () => {
    expect(text("legacy/sleep", "foo/tcp-echo", 9000)).toMatch(
      /foo\/PeerAuthentication\/default mtls STRICT denies TCP 9000 \(STRICT mTLS refuses plaintext.*docs\.yaml:\d+\)/,
    );
  });

  it("ztunnel's fail-safe on L7 attributes", () => {
    expect(text("amb/sleep", "amb/httpbin", 8080)).toContain("the ALLOW rule matches nothing (fail safe");
    expect(text("foo/sleep", "amb/api", 8080)).toContain("the DENY rule applies to the whole connection (fail safe)");
    expect(text("amb/sleep", "amb/reviews", 9080)).toContain(
      "amb/AuthorizationPolicy/reviews-viewer rules[0] allows TCP 9080",
    );
    expect(text("amb/sleep", "amb/reviews", 9080)).toContain("restricted at L7 (methods: GET)");
  });
});

describe("the mesh setting (network.mesh)", () => {
  const raw = fixture("istio/docs.yaml");

  it("ignores Istio policies under mesh: none, with a note at each policy's file:line", () => {
    const none = forDataplane(raw, { mesh: "none" });
    expect(allowed(none, "bar/sleep", "foo/httpbin", "TCP", 8080)).toBe(true);
    expect(allowed(none, "legacy/sleep", "foo/tcp-echo", "TCP", 9000)).toBe(true);
    const notes = diags(none).filter((d) => d.includes("is ignored: network.mesh is none"));
    expect(notes).toHaveLength(19);
    expect(notes[0]).toMatch(
      /^fixtures\/engine\/istio\/docs\.yaml:\d+: info: default\/AuthorizationPolicy\/allow-nothing/,
    );
  });

  it("discovers istio from the policies or the namespace labels, and says so", () => {
    const found = forDataplane(raw, {});
    expect(allowed(found, "bar/sleep", "foo/httpbin", "TCP", 8080)).toBe(false);
    expect(diags(found).some((d) => d.includes("network.mesh is not set"))).toBe(true);
    expect(forDataplane(raw, { mesh: "istio" })).toBe(raw);
  });
});

describe("reading Istio policies", () => {
  const read = (text: string) => {
    const d = new Diagnostics();
    return buildCluster(parseManifestText("p.yaml", text, d), {}, d);
  };

  it("refuses an unknown action and a bad port with the file:line, and keeps reading the others", () => {
    const cluster = read(
      [
        "apiVersion: security.istio.io/v1",
        "kind: AuthorizationPolicy",
        "metadata: {name: bad, namespace: foo}",
        "spec:",
        "  action: REJECT",
        "---",
        "apiVersion: security.istio.io/v1",
        "kind: AuthorizationPolicy",
        "metadata: {name: port, namespace: foo}",
        "spec:",
        "  rules:",
        "  - to:",
        "    - operation: {ports: [http]}",
        "---",
        "apiVersion: security.istio.io/v1beta1",
        "kind: AuthorizationPolicy",
        "metadata: {name: good, namespace: foo}",
        "spec: {action: DENY, rules: [{from: [{source: {ipBlocks: [1.2.3.4]}}]}]}",
      ].join("\n"),
    );
    expect(diags(cluster)).toEqual([
      expect.stringMatching(/^p\.yaml:5: error: AuthorizationPolicy bad is invalid and skipped: .*"REJECT"/),
      expect.stringMatching(
        /^p\.yaml:13: error: AuthorizationPolicy port is invalid and skipped: .*"http" is not a port/,
      ),
    ]);
    expect(cluster.authorizationPolicies!.map((p) => p.id)).toEqual(["foo/AuthorizationPolicy/good"]);
  });

  it("warns about a targetRef it does not model, and reads RequestAuthentication as not modelled", () => {
    const cluster = read(
      [
        "apiVersion: security.istio.io/v1",
        "kind: AuthorizationPolicy",
        "metadata: {name: se, namespace: foo}",
        "spec:",
        "  targetRefs: [{kind: ServiceEntry, group: networking.istio.io, name: ext}]",
        "---",
        "apiVersion: security.istio.io/v1",
        "kind: RequestAuthentication",
        "metadata: {name: jwt, namespace: foo}",
        "spec: {}",
      ].join("\n"),
    );
    expect(diags(cluster)).toEqual([
      "p.yaml:5: warning: foo/AuthorizationPolicy/se: a targetRef to a ServiceEntry is not modelled; the policy applies to no pod through it",
      "p.yaml:7: warning: RequestAuthentication (security.istio.io/v1) is not modelled: the connectivity shown ignores it",
    ]);
  });
});

describe("Istio through the CLI: pull requests that change who may call httpbin", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["build/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });
  const DROPPED = "fixtures/engine/istio/pr-namespace-dropped";
  const STRICT = "fixtures/engine/istio/pr-strict-to-permissive";
  const diff = (pr: string, ...extra: string[]) => {
    const out = cli("diff", "--base", `${pr}/base`, "--head", `${pr}/head`, "--format", "json", ...extra);
    return { status: out.status, json: JSON.parse(out.stdout) };
  };
  type Change = {
    from: string;
    to: string;
    base: { TCP: number[][] };
    head: { TCP: number[][] };
    causes: { id: string }[];
  };
  const change = (json: { reachability: { changes: Change[] } }, from: string, to: string) =>
    json.reachability.changes.find((c) => c.from === from && c.to === to);

  it("an AuthorizationPolicy that stops allowing namespace baz: baz loses httpbin, bar keeps it", () => {
    const { status, json } = diff(DROPPED, "--fail-on", "none");
    expect(status).toBe(0);
    const lost = change(json, "baz/Deployment/sleep", "foo/Deployment/httpbin")!;
    expect(lost.base.TCP).toEqual([[8080, 8080]]);
    expect(lost.head.TCP).toEqual([]);
    expect(lost.causes.map((c) => c.id)).toEqual(["foo/AuthorizationPolicy/httpbin-callers"]);
    expect(change(json, "bar/Deployment/sleep", "foo/Deployment/httpbin")).toBeUndefined();
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual(["used-flow-lost"]);
  });

  it("reach and explain on the head: only bar reaches httpbin, and explain names the policy", () => {
    const reach = JSON.parse(cli("reach", `${DROPPED}/head`, "--format", "json").stdout);
    const into = reach.edges
      .filter(
        (e: { to: string; ports: { TCP: number[][] } }) => e.to === "foo/Deployment/httpbin" && e.ports.TCP.length,
      )
      .map((e: { from: string }) => e.from);
    expect(into).toEqual(["bar/Deployment/sleep"]);
    const explained = cli(
      "explain",
      `${DROPPED}/head`,
      "--from",
      "baz/Deployment/sleep",
      "--to",
      "foo/Deployment/httpbin",
      "--port",
      "8080",
    ).stdout;
    expect(explained).toContain("baz/Deployment/sleep -> foo/Deployment/httpbin: DENIED");
    expect(explained).toContain(
      "foo/AuthorizationPolicy/httpbin-callers (ALLOW) applies to the pod but none of its rules matches this peer",
    );
  });

  it("PeerAuthentication STRICT -> PERMISSIVE: plaintext from legacy now reaches httpbin, a removed deny (high)", () => {
    const { status, json } = diff(STRICT);
    expect(status).toBe(1);
    const opened = change(json, "legacy/Deployment/sleep", "foo/Deployment/httpbin")!;
    expect(opened.base.TCP).toEqual([]);
    expect(opened.head.TCP).toEqual([[1, 65535]]);
    expect(opened.causes.map((c) => c.id)).toEqual(["foo/PeerAuthentication/default"]);
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual([
      "deny-policy-removed",
      "new-cross-namespace-flow",
    ]);
    // bar is in the mesh: its mTLS connections were allowed before and after.
    expect(change(json, "bar/Deployment/sleep", "foo/Deployment/httpbin")).toBeUndefined();
    const explained = cli(
      "explain",
      `${STRICT}/base`,
      "--from",
      "legacy/Deployment/sleep",
      "--to",
      "foo/Deployment/httpbin",
      "--port",
      "8080",
    ).stdout;
    expect(explained).toContain("foo/PeerAuthentication/default mtls STRICT denies TCP 8080");
  });

  it("network.mesh: none ignores the Istio policies, with a note, and the PR changes nothing", () => {
    const { json } = diff(STRICT, "--config", "fixtures/engine/istio/mesh-none.yml");
    expect(json.reachability.changes).toEqual([]);
    expect(json.findings).toEqual([]);
    const reach = JSON.parse(
      cli("reach", `${STRICT}/base`, "--format", "json", "--config", "fixtures/engine/istio/mesh-none.yml").stdout,
    );
    expect(JSON.stringify(reach.diagnostics)).toContain(
      "foo/PeerAuthentication/default is ignored: network.mesh is none",
    );
  });
});

describe("an AuthorizationPolicy for pods outside the mesh", () => {
  it("is said to decide nothing for them (the namespace carries no injection label here)", () => {
    const d = new Diagnostics();
    const text = [
      "apiVersion: v1",
      "kind: Namespace",
      "metadata: {name: kubeflow}",
      "---",
      "apiVersion: v1",
      "kind: Pod",
      "metadata: {name: ml-pipeline, namespace: kubeflow, labels: {app: ml-pipeline}}",
      "spec: {containers: [{name: c, image: x}]}",
      "---",
      "apiVersion: security.istio.io/v1beta1",
      "kind: AuthorizationPolicy",
      "metadata: {name: ml-pipeline, namespace: kubeflow}",
      "spec: {selector: {matchLabels: {app: ml-pipeline}}, rules: [{from: [{source: {namespaces: [kubeflow]}}]}]}",
    ].join("\n");
    const cluster = forDataplane(buildCluster(parseManifestText("k.yaml", text, d), {}, d), { mesh: "istio" });
    expect(diags(cluster)).toEqual([
      "k.yaml:10: info: kubeflow/AuthorizationPolicy/ml-pipeline applies to kubeflow/Pod/ml-pipeline, which is not in the mesh here (no istio-injection, istio.io/rev or ambient label on the namespace, nor sidecar.istio.io/inject on the pod): it decides nothing for it",
    ]);
    expect(allowed(cluster, "kubeflow/ml-pipeline", "kubeflow/ml-pipeline", "TCP", 8888)).toBe(true);
  });
});
