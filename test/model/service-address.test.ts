// Reading Service addresses out of configuration text, and resolving them against the cluster:
// what counts as a name, what does not (precision before recall).
import { describe, expect, it } from "vitest";
import { findAddresses } from "../../src/model/service-address.js";
import { deployment, docs, model, service } from "../helpers/inline.js";

const names = (text: string) =>
  findAddresses(text).map((m) => `${m.name}${m.namespace ? `.${m.namespace}` : ""}${m.port ? `:${m.port}` : ""}`);

describe("findAddresses", () => {
  it("reads every DNS form of a Service, with or without scheme, user info and port", () => {
    expect(names("payment:50051")).toEqual(["payment:50051"]);
    expect(names("http://payment")).toEqual(["payment"]);
    expect(names("--url=https://payment.shop.svc.cluster.local:8443/v1")).toEqual(["payment.shop:8443"]);
    expect(names("payment.shop.svc:80 and payment.shop.svc.cluster.local.")).toEqual([
      "payment.shop:80",
      "payment.shop",
    ]);
    expect(names("redis-0.redis.data.svc.cluster.local:6379")).toEqual(["redis.data:6379"]);
    expect(names("postgres://app:s3cret@db.data:5432/app")).toEqual(["db.data:5432"]);
    expect(findAddresses("postgres://app:s3cret@db.data:5432/app")[0].text).toBe("db.data:5432");
  });

  it("does not read hosts of three or more labels without svc, uppercase words, paths, or comment lines", () => {
    expect(names("https://api.example.com:443/x")).toEqual([]);
    expect(names("${FRONTEND_ADDR}")).toEqual([]);
    expect(names("/var/lib/payment:80")).toEqual([]);
    expect(names("# cart.url=http://cart:7070\n; old = http://cart:7070\n// http://cart:7070")).toEqual([]);
    // Two labels are a candidate name.namespace: only a Service quay in a namespace io would resolve it.
    expect(names("image: quay.io/prometheus/prometheus:v2.34.0")).toEqual(["quay.io"]);
  });

  it("says when a line's whole value is the address, and under which key", () => {
    const [m] = findAddresses("spring.redis.host=redis\n");
    expect([m.name, m.key, m.whole]).toEqual(["redis", "spring.redis.host", false]);
    expect(findAddresses("redis").map((x) => x.whole)).toEqual([true]);
  });
});

describe("resolving addresses", () => {
  const redis = docs(deployment("shop", "redis", 6379), service("shop", "redis", 6379));
  const secret = Buffer.from("postgres://app:s3cret@db.data:5432/app").toString("base64");
  const withConfig = (config: string) =>
    model(
      docs(
        deployment(
          "shop",
          "cart",
          7070,
          `        envFrom: [{configMapRef: {name: cart-config}}, {secretRef: {name: cart-db}}]`,
        ),
        redis,
        deployment("data", "db", 5432),
        service("data", "db", 5432),
        `
apiVersion: v1
kind: ConfigMap
metadata: {name: cart-config, namespace: shop}
data:
${config}`,
        `
apiVersion: v1
kind: Secret
metadata: {name: cart-db, namespace: shop}
data: {DATABASE_URL: ${secret}}`,
      ),
    ).dependencies.map((d) => `${d.address} ${d.via} ${d.declared.field}`);

  it("reads a bare name under a host-like key, and a URL in a base64 Secret without its password", () => {
    expect(withConfig('  app.properties: "spring.redis.host=redis\\n"')).toEqual([
      "redis ConfigMap data app.properties",
      "db.data:5432 Secret data DATABASE_URL",
    ]);
  });

  it("does not read a bare name under another key, or a name of another namespace by its short form", () => {
    expect(withConfig('  app.properties: "cache.mode=redis\\ndb.url=http://db:5432\\n"')).toEqual([
      "db.data:5432 Secret data DATABASE_URL",
    ]);
  });
});
