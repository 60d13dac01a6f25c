import { describe, expect, it } from "vitest";
import { docs, findingsOf } from "./harness.js";

const RULE = "new-host-port";

/** A workload of `kind` whose one container port is `port` (YAML flow mapping), optionally on the host network. */
function workload(
  kind: "Deployment" | "DaemonSet",
  ns: string,
  name: string,
  port: string,
  hostNetwork = false,
): string {
  return `
apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      hostNetwork: ${hostNetwork}
      containers:
        - name: main
          image: registry.example.com/${name}:1
          ports: [${port}]`;
}

const controller = (ports: string) => workload("DaemonSet", "ingress-nginx", "controller", ports);

describe(RULE, () => {
  it("fires for an ingress controller DaemonSet that publishes 80/443 through hostPort, naming both ports", () => {
    const hits = findingsOf(
      RULE,
      controller("{containerPort: 80}, {containerPort: 443}"),
      controller("{containerPort: 80, hostPort: 80}, {containerPort: 443, hostPort: 443}"),
    );
    expect(hits.map((h) => [h.severity, h.messageId, h.objects])).toEqual([
      ["medium", "hostPort", ["ingress-nginx/DaemonSet/controller"]],
    ]);
    expect(hits[0].message).toBe(
      "ingress-nginx/DaemonSet/controller publishes TCP 80, TCP 443 on the nodes' addresses through hostPort",
    );
    expect(hits[0].line).toBe(2); // the workload (the manifest opens with an empty line)
  });

  it("fires for a Redis with hostPort 6379 and for a new hostNetwork pod, saying NetworkPolicy does not apply", () => {
    const redis = workload("Deployment", "cache", "redis", "{containerPort: 6379, hostPort: 6379}");
    expect(findingsOf(RULE, "", redis).map((h) => h.message)).toEqual([
      "cache/Deployment/redis publishes TCP 6379 on the nodes' addresses through hostPort",
    ]);
    const exporter = workload("DaemonSet", "monitoring", "node-exporter", "{containerPort: 9100}", true);
    expect(findingsOf(RULE, "", exporter).map((h) => [h.messageId, h.message])).toEqual([
      [
        "hostNetwork",
        "monitoring/DaemonSet/node-exporter uses hostNetwork and listens on TCP 9100 on the nodes' addresses; NetworkPolicy does not apply to it",
      ],
    ]);
  });

  it("does not fire for container ports without hostPort, nor for a hostPort that was already published", () => {
    const plain = controller("{containerPort: 80}");
    expect(findingsOf(RULE, "", plain)).toEqual([]);
    const published = controller("{containerPort: 80, hostPort: 80}");
    expect(findingsOf(RULE, published, published)).toEqual([]);
    const exporter = workload("DaemonSet", "monitoring", "node-exporter", "{containerPort: 9100}", true);
    expect(findingsOf(RULE, exporter, docs(exporter))).toEqual([]);
  });
});
