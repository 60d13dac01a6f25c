// Node-level entry points: container ports published with hostPort, and the ports of hostNetwork pods,
// reached at the nodes' addresses. Fixture: an ingress controller DaemonSet publishing 80/443 through
// hostPort, a Redis with hostPort 6379 and a node exporter on the host network.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../../src/manifests/diagnostics.js";
import { parseManifestText } from "../../../src/manifests/parse.js";
import { broken, clusterOf, exposure, fixture, lines, ROOT } from "../../helpers/exposure.js";

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["build/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });

describe("hostPort and hostNetwork entry points", () => {
  const result = exposure(fixture("host-ports/head"));

  it("are exposures at the nodes' addresses, per container port and protocol", () => {
    expect(lines(result)).toEqual([
      "HostPort :6379 on the nodes (cache/Deployment/redis) (0.0.0.0/0) -> cache/Deployment/redis TCP 6379",
      "HostPort :80 on the nodes (ingress-nginx/DaemonSet/ingress-nginx-controller) (0.0.0.0/0) -> ingress-nginx/DaemonSet/ingress-nginx-controller TCP 80",
      "HostPort :443 on the nodes (ingress-nginx/DaemonSet/ingress-nginx-controller) (0.0.0.0/0) -> ingress-nginx/DaemonSet/ingress-nginx-controller TCP 443",
      "HostNetwork :9100 on the nodes (monitoring/DaemonSet/node-exporter) (0.0.0.0/0) -> monitoring/DaemonSet/node-exporter TCP 9100",
      "Ingress shop/Ingress/web https://shop.example.com/ (0.0.0.0/0) -> shop/Service/web :80 -> shop/Deployment/web TCP 8080",
    ]);
    expect(broken(result)).toEqual([]);
  });

  it("say where they listen, that NetworkPolicy does not apply to hostNetwork pods, and which ports are sensitive", () => {
    const notes = (workload: string, port: number) =>
      result.exposures.find((e) => e.workload === workload && e.port === port)!.notes;
    expect(notes("ingress-nginx/DaemonSet/ingress-nginx-controller", 443)).toEqual([
      "hostPort 443: published on the node's addresses on every node the DaemonSet runs on, with no Service in between",
      "the client's address is kept (the CNI forwards the port to the pod), so the pod's NetworkPolicy applies",
    ]);
    expect(notes("cache/Deployment/redis", 6379)).toContain("sensitive port 6379");
    expect(notes("cache/Deployment/redis", 6379)[0]).toContain("on each node a pod of it is scheduled on");
    expect(notes("monitoring/DaemonSet/node-exporter", 9100)).toEqual([
      "hostNetwork: monitoring/DaemonSet/node-exporter listens on the node's own addresses on every node the DaemonSet runs on",
      "monitoring/DaemonSet/node-exporter uses hostNetwork: NetworkPolicy does not apply to it",
      "sensitive port 9100",
    ]);
    // The Ingress's controller pods are reached through their hostPorts.
    expect(result.exposures.find((e) => e.via.kind === "Ingress")!.notes).toContain(
      "the ingress controller pods (ingress-nginx) publish hostPort 80, 443: reached on the nodes' addresses",
    );
  });

  it("are stopped by a NetworkPolicy that admits nothing, except on hostNetwork pods", () => {
    const text = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis, namespace: cache}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: redis, image: redis, ports: [{containerPort: 6379, hostPort: 6379, hostIP: 10.0.0.5}]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: cache}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: agent, ports: [{containerPort: 9000, protocol: UDP}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: cache}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
    const cluster = clusterOf(parseManifestText("inline.yaml", text, new Diagnostics()));
    expect(lines(exposure(cluster))).toEqual([
      "HostPort 10.0.0.5:6379 on the nodes (cache/Deployment/redis) (0.0.0.0/0) -> cache/Deployment/redis TCP 6379 [blocked by cache/NetworkPolicy/deny-all]",
      "HostNetwork :9000 on the nodes (cache/DaemonSet/agent) (0.0.0.0/0) -> cache/DaemonSet/agent UDP 9000",
    ]);
  });

  it("a hostPort bound to a loopback hostIP is internal (the node itself only)", () => {
    const text = `
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: ops}
spec:
  containers: [{name: debug, image: debug, ports: [{containerPort: 8080, hostPort: 18080, hostIP: 127.0.0.1}]}]
`;
    const [e] = exposure(clusterOf(parseManifestText("pod.yaml", text, new Diagnostics()))).exposures;
    expect(e.via).toMatchObject({ kind: "HostPort", entryPort: 18080, host: "127.0.0.1", internal: true });
    expect(e.notes).toContain("bound to hostIP 127.0.0.1: reachable from the node itself only");
  });

  it("show in `reachdiff exposure`", () => {
    const out = run("exposure", "fixtures/exposure/host-ports/head");
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(
      "HostPort :6379 on the nodes (cache/Deployment/redis) (0.0.0.0/0) -> cache/Deployment/redis TCP 6379",
    );
    expect(out.stdout).toContain("HostNetwork :9100 on the nodes (monitoring/DaemonSet/node-exporter)");
  });

  it("show in `reachdiff diff` as new exposures with their findings", () => {
    const out = run(
      "diff",
      "--base",
      "fixtures/exposure/host-ports/base",
      "--head",
      "fixtures/exposure/host-ports/head",
      "--format",
      "json",
      "--fail-on",
      "none",
    );
    expect(out.status).toBe(0);
    const json = JSON.parse(out.stdout);
    const added = json.exposure.changes
      .filter((c: { change: string }) => c.change === "added")
      .map((c: { head: { via: { kind: string; ref: string; entryPort: number } } }) => {
        const v = c.head.via;
        return `${v.kind} ${v.ref} :${v.entryPort}`;
      });
    expect(added).toEqual([
      "HostPort cache/Deployment/redis :6379",
      "HostPort ingress-nginx/DaemonSet/ingress-nginx-controller :443",
      "HostPort ingress-nginx/DaemonSet/ingress-nginx-controller :80",
      "HostNetwork monitoring/DaemonSet/node-exporter :9100",
    ]);
    const rules = json.findings.map((f: { rule: string }) => f.rule);
    expect(rules.filter((r: string) => r === "new-host-port")).toHaveLength(3);
    expect(rules).toContain("internet-exposure-sensitive-port");
  });
});
