import type { Rule } from "./rule.js";

export const rule: Rule = {
  id: "new-host-port",
  severity: "medium",
  title: "New hostPort or hostNetwork port",
  explanation:
    "A container port published with hostPort, or any port of a hostNetwork pod, listens on the addresses of every node the pod runs on (every node, for a DaemonSet), with no Service, load balancer or source ranges in front. Anyone who can reach a node can reach it; NetworkPolicy does not apply to hostNetwork pods at all.",
  fix: "Expose the pods through a Service (ClusterIP behind an Ingress or Gateway, or a LoadBalancer with source ranges) instead of hostPort; keep hostNetwork for node agents that need it, and bind them to the ports they must serve.",
  messages: {
    hostPort: "{{workload}} publishes {{ports}} on the nodes' addresses through hostPort",
    hostNetwork:
      "{{workload}} uses hostNetwork and listens on {{ports}} on the nodes' addresses; NetworkPolicy does not apply to it",
  },
  check(ctx) {
    // One finding per workload and kind of entry, naming every port it newly opens on the nodes.
    const seen = new Map<string, { kind: string; workload: string; file: string; line: number; ports: number[] }>();
    const labels = new Map<number, string>();
    for (const c of ctx.exposures) {
      const e = c.head;
      if (c.change !== "added" || !e || (e.via.kind !== "HostPort" && e.via.kind !== "HostNetwork")) continue;
      const key = `${e.via.kind}\u0000${e.via.ref}`;
      const entry = seen.get(key) ?? { kind: e.via.kind, workload: e.via.ref, file: e.file, line: e.line, ports: [] };
      const port = e.via.entryPort ?? e.port;
      const order = port * 4 + ["TCP", "UDP", "SCTP"].indexOf(e.protocol);
      labels.set(order, `${e.protocol} ${port}`);
      if (!entry.ports.includes(order)) entry.ports.push(order);
      seen.set(key, entry);
    }
    return [...seen.values()].map((e) => ({
      messageId: e.kind === "HostPort" ? "hostPort" : "hostNetwork",
      data: { workload: e.workload, ports: e.ports.sort((a, b) => a - b).map((p) => labels.get(p)!) },
      key: [e.kind],
      objects: [e.workload],
      file: e.file,
      line: e.line,
    }));
  },
};
