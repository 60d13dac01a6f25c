// Service entries: LoadBalancer (and the node ports it opens), NodePort, externalIPs; ClusterIP,
// headless and ExternalName expose nothing. targetPort resolves per selected pod; policy decides.
import { describe, expect, it } from "vitest";
import { internalLoadBalancer } from "../../../src/analysis/exposure/index.js";
import { broken, exposure, fixture, lines } from "../../helpers/exposure.js";

describe("Service types", () => {
  const result = exposure(fixture("services/basic.yaml"));

  it("exposes LoadBalancer, its node port, NodePort and externalIPs; nothing for ClusterIP, headless or ExternalName", () => {
    expect(lines(result)).toEqual([
      "LoadBalancer :443 (203.0.113.0/24) -> shop/Service/web-lb :443 -> shop/Deployment/web TCP 8080",
      "LoadBalancer :80 (0.0.0.0/0) -> shop/Service/web-lb-no-nodeports :80 -> shop/Deployment/web TCP 8080",
      "NodePort :31443 (0.0.0.0/0) -> shop/Service/web-lb :443 -> shop/Deployment/web TCP 8080",
      "NodePort :30080 (0.0.0.0/0) -> shop/Service/web-nodeport :80 -> shop/Deployment/web TCP 8080",
      "ExternalIP 198.51.100.7:8443 (0.0.0.0/0) -> shop/Service/web-external-ip :8443 -> shop/Deployment/web TCP 8080",
    ]);
    expect(result.broken).toEqual([]);
  });

  it("says that loadBalancerSourceRanges do not filter the node port of the same Service", () => {
    const nodePort = result.exposures.find((e) => e.via.kind === "NodePort" && e.via.ref === "shop/Service/web-lb")!;
    expect(nodePort.notes).toContain(
      "loadBalancerSourceRanges (203.0.113.0/24) do not filter the node port: clients that reach a node bypass them",
    );
    expect(nodePort.sources).toEqual(["0.0.0.0/0"]);
  });

  it("opens no node port when allocateLoadBalancerNodePorts is false", () => {
    expect(
      result.exposures.filter((e) => e.via.ref === "shop/Service/web-lb-no-nodeports").map((e) => e.via.kind),
    ).toEqual(["LoadBalancer"]);
  });

  it("notes how externalTrafficPolicy changes the source NetworkPolicy sees", () => {
    const cluster = result.exposures.find((e) => e.via.ref === "shop/Service/web-lb" && e.via.kind === "LoadBalancer")!;
    const local = result.exposures.find((e) => e.via.ref === "shop/Service/web-lb-no-nodeports")!;
    expect(cluster.notes[0]).toMatch(/^externalTrafficPolicy Cluster: clients are SNATed to a node address/);
    expect(local.notes[0]).toMatch(/^externalTrafficPolicy Local: client addresses are kept/);
  });

  it("records where each entry is defined", () => {
    const lb = result.exposures.find((e) => e.via.ref === "shop/Service/web-lb")!;
    expect([lb.file, lb.line, lb.via.service, lb.via.servicePort, lb.via.entryPort, lb.via.internal]).toEqual([
      "fixtures/exposure/services/basic.yaml",
      40,
      "shop/Service/web-lb",
      443,
      443,
      false,
    ]);
  });
});

describe("internal load balancers", () => {
  it("recognises the providers' internal markers, the AWS LBC default scheme and loadBalancerClass", () => {
    const result = exposure(fixture("services/internal-lb.yaml"));
    const internal = Object.fromEntries(result.exposures.map((e) => [e.via.ref.split("/")[2], e.via.internal]));
    expect(internal).toEqual({
      "aws-internal": true,
      "aws-lbc-default": true,
      "aws-lbc-public": false,
      "azure-internal": true,
      "gke-class": true,
      "gke-internal": true,
      plain: false,
    });
  });

  it.each([
    [{ "service.beta.kubernetes.io/aws-load-balancer-internal": "0.0.0.0/0" }, undefined, true],
    [{ "service.beta.kubernetes.io/aws-load-balancer-internal": "false" }, undefined, false],
    [{ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }, undefined, true],
    [{}, "service.k8s.aws/nlb", true],
    [
      {
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb-ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      },
      undefined,
      false,
    ],
    [{ "cloud.google.com/load-balancer-type": "internal" }, undefined, true],
    [{ "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": "private" }, undefined, true],
    [{ "service.beta.kubernetes.io/openstack-internal-load-balancer": "true" }, undefined, true],
    [{ "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet" }, undefined, true],
    [{ "service.beta.kubernetes.io/oci-load-balancer-internal": "true" }, undefined, true],
    [{ "service.beta.kubernetes.io/cce-load-balancer-internal-vpc": "true" }, undefined, true],
    [{ "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid": "subnet-123" }, undefined, true],
    [{ "service.beta.kubernetes.io/azure-load-balancer-internal": "false" }, undefined, false],
    [{}, "example.com/metallb", false],
  ])("%j with class %s is internal: %s", (annotations, cls, expected) => {
    expect(internalLoadBalancer(annotations, cls).internal).toBe(expected);
  });
});

describe("targetPort resolution", () => {
  const result = exposure(fixture("services/named-ports.yaml"));

  it("resolves a named targetPort per selected pod, and a numeric one regardless of declared ports", () => {
    expect(lines(result)).toEqual([
      "NodePort :30001 (0.0.0.0/0) -> named/Service/api :80 -> named/Deployment/api-v1 TCP 8080",
      "NodePort :30001 (0.0.0.0/0) -> named/Service/api :80 -> named/Deployment/api-v2 TCP 9090",
      "NodePort :30053 (0.0.0.0/0) -> named/Service/api :53 -> named/Deployment/api-v2 UDP 5353",
      "NodePort :30070 (0.0.0.0/0) -> named/Service/api :7000 -> named/Deployment/api-v1 TCP 7000",
      "NodePort :30070 (0.0.0.0/0) -> named/Service/api :7000 -> named/Deployment/api-v2 TCP 7000",
    ]);
    const raw = result.exposures.find((e) => e.via.entryPort === 30070)!;
    expect(raw.notes).toContain(
      "named/Deployment/api-v1 declares no container port TCP 7000 (containerPort is informational: the traffic still reaches the pod)",
    );
  });

  it("reports a Service that selects no pod, or whose named targetPort no selected pod declares, as broken", () => {
    expect(broken(result)).toEqual([
      "named/Service/orphan: selects no pod: no pod template in namespace named has the labels app=nothing-has-this @fixtures/exposure/services/named-ports.yaml:42",
      'named/Service/wrong-name: targetPort "metrics" (TCP) is not a named container port of any selected pod (named/Deployment/api-v1, named/Deployment/api-v2) @fixtures/exposure/services/named-ports.yaml:50',
    ]);
  });

  it("says which pods lack a named port that others declare, and that a selector-less Service is not modelled", () => {
    const messages = result.diagnostics.map((d) => `${d.severity}: ${d.message}`);
    expect(messages).toContain(
      'info: named/Service/api: targetPort "dns" is not declared by named/Deployment/api-v1; those pods get no traffic on it',
    );
    expect(messages.some((m) => m.startsWith("info: named/Service/by-hand has no selector"))).toBe(true);
  });
});

describe("NetworkPolicy on the destination pods", () => {
  const result = exposure(fixture("services/policy.yaml"));

  it("reports an exposure that an isolating policy stops, with the policy", () => {
    const db = result.exposures.find((e) => e.via.ref === "locked/Service/db-public")!;
    expect(db.blockedBy).toBe("locked/NetworkPolicy/default-deny");
    expect(db.notes).toContain("sensitive port 5432");
  });

  it("with externalTrafficPolicy Local, narrows the sources to the clients the policy admits", () => {
    const local = result.exposures.find((e) => e.via.ref === "locked/Service/app-local")!;
    expect([local.blockedBy, local.sources]).toEqual([null, ["203.0.113.0/24"]]);
  });

  it("with externalTrafficPolicy Cluster, keeps the sources and says the policy sees node addresses", () => {
    const cluster = result.exposures.find((e) => e.via.ref === "locked/Service/app-cluster")!;
    expect([cluster.blockedBy, cluster.sources]).toEqual([null, ["0.0.0.0/0"]]);
    expect(cluster.notes).toContain(
      "NetworkPolicy admits TCP 8080 only from 203.0.113.0/24: the traffic passes only if the node addresses fall in those ranges",
    );
  });

  it("matches the text form", () => {
    expect(lines(result)).toEqual([
      "LoadBalancer :443 (0.0.0.0/0) -> locked/Service/app-cluster :443 -> locked/Deployment/app TCP 8080",
      "LoadBalancer :443 (203.0.113.0/24) -> locked/Service/app-local :443 -> locked/Deployment/app TCP 8080",
      "LoadBalancer :5432 (0.0.0.0/0) -> locked/Service/db-public :5432 -> locked/Deployment/db TCP 5432 [blocked by locked/NetworkPolicy/default-deny]",
    ]);
  });
});
