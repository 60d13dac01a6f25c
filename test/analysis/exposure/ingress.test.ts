// Ingress: rules, hosts (one-label wildcards), paths, TLS per host, the default backend, and traffic
// that reaches the backend pods from the ingress controller's pods.
import { describe, expect, it } from "vitest";
import { ingressHostMatches } from "../../../src/model/kinds/ingress.js";
import { broken, exposure, fixture, lines } from "../../helpers/exposure.js";

describe("Ingress with its controller in the manifests", () => {
  const cluster = fixture("ingress/with-controller");
  const result = exposure(cluster);
  const viaIngress = result.exposures.filter((e) => e.via.kind === "Ingress");

  it("follows each rule and the default backend to the pod port, with TLS per host", () => {
    expect(lines(viaIngress)).toEqual([
      "Ingress shop/Ingress/shop http://* (0.0.0.0/0) -> shop/Service/web :80 -> shop/Deployment/web TCP 8080",
      "Ingress shop/Ingress/shop http://*.example.com/ (0.0.0.0/0) -> shop/Service/web :80 -> shop/Deployment/web TCP 8080",
      "Ingress shop/Ingress/shop https://shop.example.com/ (0.0.0.0/0) -> shop/Service/web :80 -> shop/Deployment/web TCP 8080",
      "Ingress shop/Ingress/shop https://shop.example.com/api (0.0.0.0/0) -> shop/Service/api :8080 -> shop/Deployment/api TCP 9000 [blocked by shop/NetworkPolicy/api-from-web]",
    ]);
    expect(viaIngress.map((e) => [e.via.host ?? "*", e.via.entryPort, e.via.tls, e.via.matches])).toEqual([
      ["*", 80, false, ["default backend"]],
      ["*.example.com", 80, false, ["Prefix /"]],
      ["shop.example.com", 443, true, ["Prefix /"]],
      ["shop.example.com", 443, true, ["Exact /api"]],
    ]);
  });

  it("evaluates the backend's policies against the controller pods: admitted by namespace and pod labels, or blocked", () => {
    expect(viaIngress.filter((e) => e.blockedBy === null).map((e) => e.workload)).toEqual([
      "shop/Deployment/web",
      "shop/Deployment/web",
      "shop/Deployment/web",
    ]);
    const api = viaIngress.find((e) => e.workload === "shop/Deployment/api")!;
    expect(api.notes).toContain(
      "ingress of shop/Deployment/api is isolated by shop/NetworkPolicy/api-from-web; no rule admits TCP 9000 from this source",
    );
  });

  it("reads the controller's own Service to tell whether the Ingress is internet-facing", () => {
    expect(viaIngress.every((e) => e.via.internal === false)).toBe(true);
    expect(viaIngress[0].notes).toContain(
      "the ingress controller pods (ingress-nginx) are reached through ingress-nginx/Service/ingress-nginx-controller (LoadBalancer)",
    );
  });

  it("reports backends that name a missing Service or port as broken, at the backend's line", () => {
    expect(broken(result)).toEqual([
      "shop/Ingress/shop: Service shop/Service/web has no port 81 @fixtures/exposure/ingress/with-controller/shop.yaml:106",
      "shop/Ingress/shop: backend Service shop/ghost is not in the manifests @fixtures/exposure/ingress/with-controller/shop.yaml:102",
    ]);
  });

  it("takes the controller's pod labels from the options: pods that are not the controller are blocked", () => {
    const other = exposure(cluster, {
      ingressController: {
        namespace: "ingress-nginx",
        podLabels: { "app.kubernetes.io/component": "admission-webhook" },
      },
    });
    const web = other.exposures.filter((e) => e.via.kind === "Ingress" && e.workload === "shop/Deployment/web");
    expect(web.map((e) => e.blockedBy)).toEqual([
      "shop/NetworkPolicy/web-from-ingress",
      "shop/NetworkPolicy/web-from-ingress",
      "shop/NetworkPolicy/web-from-ingress",
    ]);
  });
});

describe("Ingress whose controller is not in the manifests", () => {
  const cluster = fixture("ingress/no-controller");
  const result = exposure(cluster);

  it("stands a synthetic pod in the controller namespace for the controller; cloud classes come from the load balancer", () => {
    expect(lines(result)).toEqual([
      "Ingress (internal) blog/Ingress/alb http://alb.example.org/ (0.0.0.0/0) -> blog/Service/blog :80 -> blog/Deployment/blog TCP 2368 [blocked by blog/NetworkPolicy/blog-from-ingress-nginx]",
      "Ingress blog/Ingress/blog http://blog.example.org/ (198.51.100.0/24, 203.0.113.7/32) -> blog/Service/blog :80 -> blog/Deployment/blog TCP 2368",
      "Ingress (internal) blog/Ingress/gce-internal http://* (0.0.0.0/0) -> blog/Service/blog :80 -> blog/Deployment/blog TCP 2368 [blocked by blog/NetworkPolicy/blog-from-ingress-nginx]",
      "Ingress blog/Ingress/legacy http://* (0.0.0.0/0) -> blog/Service/blog :80 -> blog/Deployment/blog TCP 2368",
    ]);
  });

  it("says the controller's exposure is unknown and that there is no class", () => {
    const blog = result.exposures.find((e) => e.via.ref === "blog/Ingress/blog")!;
    expect(blog.notes).toContain(
      "controller exposure unknown: the ingress controller and its Service are not in the manifests; assumed internet-facing",
    );
    expect(blog.notes).toContain(
      "no ingress class: served only by a controller that takes class-less Ingresses or when the cluster has a default IngressClass",
    );
    expect(blog.notes.some((n) => n.startsWith("client allow-list from the annotation"))).toBe(true);
  });

  it("uses the configured controller namespace (--ingress-namespace)", () => {
    const traefik = exposure(cluster, { ingressController: { namespace: "traefik" } });
    const blog = traefik.exposures.find((e) => e.via.ref === "blog/Ingress/blog")!;
    expect(blog.blockedBy).toBe("blog/NetworkPolicy/blog-from-ingress-nginx");
  });

  it("reads the extensions/v1beta1 shape (serviceName, servicePort) and the class annotation", () => {
    const legacy = result.exposures.find((e) => e.via.ref === "blog/Ingress/legacy")!;
    expect([legacy.via.service, legacy.via.servicePort, legacy.via.matches]).toEqual([
      "blog/Service/blog",
      80,
      ["default backend"],
    ]);
    expect(legacy.notes.some((n) => n.startsWith("no ingress class"))).toBe(false);
  });
});

describe("Ingress host wildcards", () => {
  it.each([
    ["*.foo.com", "bar.foo.com", true],
    ["*.foo.com", "baz.bar.foo.com", false],
    ["*.foo.com", "foo.com", false],
    ["foo.com", "foo.com", true],
    ["foo.com", "bar.foo.com", false],
    ["*.foo.com", "*.foo.com", true],
  ])("%s matches %s: %s", (pattern, host, expected) => {
    expect(ingressHostMatches(pattern, host)).toBe(expected);
  });
});
