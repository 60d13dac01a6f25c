// Which pods exist and how they are named: hostNetwork, self connections, live pods with owners,
// CronJob templates, List/PodList, the default namespace.
import { describe, expect, it } from "vitest";
import { diags, edges, fixture, into, outOf, reach } from "../helpers/engine.js";

describe("workloads", () => {
  it("hostNetwork pods are not subject to NetworkPolicy and are not matched by pod or namespace selectors", () => {
    const c = fixture("workloads/host-network.yaml");
    expect(edges(c)).toEqual([
      "free/Deployment/client -> free/Deployment/client: all ports",
      "free/Deployment/client -> ip:0.0.0.0/0: all ports",
      "free/Deployment/client -> mon/DaemonSet/agent: all ports",
      "ip:0.0.0.0/0 -> free/Deployment/client: all ports",
      // The default-deny of its namespace does not isolate the agent.
      "ip:0.0.0.0/0 -> mon/DaemonSet/agent: all ports",
      "mon/DaemonSet/agent -> free/Deployment/client: all ports",
      "mon/DaemonSet/agent -> ip:0.0.0.0/0: all ports",
      "mon/DaemonSet/agent -> mon/DaemonSet/agent: all ports",
      // web admits app=agent pods, but the agent's traffic comes from the node: web gets nothing.
    ]);
    expect(diags(c)).toEqual([
      "fixtures/engine/workloads/host-network.yaml:3: info: mon/DaemonSet/agent uses hostNetwork: NetworkPolicy does not apply to it (its traffic comes from the node's address)",
    ]);
    expect(c.workloads.find((w) => w.name === "agent")!.ports).toEqual([
      { name: undefined, containerPort: 9100, protocol: "TCP", hostPort: 9100 },
    ]);
  });

  it("a workload to itself (between replicas) follows the rules", () => {
    const c = fixture("workloads/self.yaml");
    expect(reach(c, "self/Deployment/web", "self/Deployment/web")).toBe("none");
    // Egress 7000 and 7001, ingress 7000.
    expect(reach(c, "self/StatefulSet/cluster", "self/StatefulSet/cluster")).toBe("TCP 7000");
    expect(c.workloads.map((w) => [w.id, w.replicas])).toEqual([
      ["self/Deployment/web", 3],
      ["self/StatefulSet/cluster", 3],
    ]);
  });

  it("a Pod with a controller ownerReference is reported as its controller; a non-controller owner changes nothing", () => {
    const c = fixture("workloads/owner-reference.yaml");
    expect(c.workloads.map((w) => w.id)).toEqual(["live/ReplicaSet/web-5d9f7c", "live/Pod/standalone"]);
    expect(c.workloads[0].kind).toBe("ReplicaSet");
    expect(into(c, "live/ReplicaSet/web-5d9f7c")).toEqual(["live/Pod/standalone: TCP 8080"]);
    expect(diags(c)).toEqual([]);
  });

  it("a CronJob's pods carry its job template's pod labels", () => {
    const c = fixture("workloads/cronjob.yaml");
    expect(c.workloads.map((w) => [w.id, w.labels])).toEqual([
      ["jobs/CronJob/backup", { app: "backup" }],
      ["jobs/Job/migrate", { app: "migrate" }],
      ["jobs/StatefulSet/db", { app: "db" }],
    ]);
    expect(into(c, "jobs/StatefulSet/db")).toEqual(["jobs/CronJob/backup: TCP 5432"]);
  });

  it("reads the items of kind: List and of a typed PodList whose items have no kind or apiVersion", () => {
    const c = fixture("workloads/list.yaml");
    expect(diags(c)).toEqual([]);
    expect(c.workloads.map((w) => w.id)).toEqual(["lists/Deployment/web", "lists/Pod/client-1", "lists/Pod/other"]);
    expect(c.networkPolicies.map((p) => p.id)).toEqual(["lists/NetworkPolicy/web"]);
    // Each item knows its own line.
    expect(c.workloads.map((w) => w.source.line)).toEqual([7, 29, 35]);
    expect(into(c, "lists/Deployment/web")).toEqual(["lists/Pod/client-1: TCP 80"]);
  });

  it("puts objects without a namespace in the default namespace, `default` unless told otherwise", () => {
    const d = fixture("workloads/default-namespace.yaml");
    expect(d.workloads.map((w) => w.id)).toEqual(["default/Deployment/web", "default/Deployment/client"]);
    expect(into(d, "default/Deployment/web")).toEqual(["default/Deployment/client: all ports"]);
    const s = fixture("workloads/default-namespace.yaml", { defaultNamespace: "staging" });
    expect(s.workloads.map((w) => w.id)).toEqual(["staging/Deployment/web", "staging/Deployment/client"]);
    expect(s.networkPolicies.map((p) => p.id)).toEqual(["pinned/NetworkPolicy/deny-all", "staging/NetworkPolicy/web"]);
    expect([...s.namespaces.keys()].sort()).toEqual(["pinned", "staging"]);
    expect(into(s, "staging/Deployment/web")).toEqual(["staging/Deployment/client: all ports"]);
    expect(outOf(s, "staging/Deployment/web")).toEqual([
      "ip:0.0.0.0/0: all ports",
      "staging/Deployment/client: all ports",
    ]);
  });
});
