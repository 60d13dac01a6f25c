// declared-dependency-blocked: the change denies a flow that the configuration names, and says where.
import { describe, expect, it } from "vitest";
import { denyIngress, deployment, docs, egressOnlyDns, findings, service } from "../helpers/inline.js";

const RULE = "declared-dependency-blocked";
const env = (name: string, value: string) => `        env: [{name: ${name}, value: "${value}"}]`;
const app = (checkoutEnv: string, ...more: string[]) =>
  docs(
    deployment("shop", "checkout", 5050, checkoutEnv),
    deployment("shop", "payment", 50051),
    service("shop", "payment", 50051),
    ...more,
  );

describe(RULE, () => {
  it("fires when an egress policy cuts the address in the caller's env, naming the env variable and line", () => {
    const base = app(env("PAYMENT_SERVICE_ADDR", "payment:50051"));
    const head = app(env("PAYMENT_SERVICE_ADDR", "payment:50051"), egressOnlyDns("shop", "checkout"));
    const hits = findings(base, head, RULE);
    expect(hits.map((f) => [f.severity, f.message])).toEqual([
      ["high", "checkout can no longer reach payment:50051 (env PAYMENT_SERVICE_ADDR, line 13)"],
    ]);
    expect(hits[0].objects).toEqual([
      "shop/Deployment/checkout",
      "shop/Deployment/payment",
      "shop/NetworkPolicy/checkout-egress",
    ]);
    expect(hits[0].file).toBe("head.yaml");
    expect([hits[0].messageId, hits[0].data.declared]).toEqual(["blocked", "env PAYMENT_SERVICE_ADDR, line 13"]);
  });

  it("fires for the full DNS name, a URL with a scheme, and an ingress deny on the target", () => {
    for (const value of [
      "http://payment.shop.svc.cluster.local:50051/pay",
      "payment.shop.svc:50051",
      "payment.shop:50051",
    ]) {
      const base = app(env("PAYMENT_URL", value));
      const head = app(env("PAYMENT_URL", value), denyIngress("shop", "payment"));
      expect(
        findings(base, head, RULE).map((f) => f.message),
        value,
      ).toHaveLength(1);
    }
  });

  it("fires for an address in a ConfigMap the pod mounts, at the line inside the file", () => {
    const configMap = `
apiVersion: v1
kind: ConfigMap
metadata: {name: checkout-config, namespace: shop}
data:
  app.ini: |
    ; the payment backend
    [payment]
    url = grpc://payment.shop.svc:50051
`;
    const mount = `        volumeMounts: [{name: config, mountPath: /etc/checkout}]
      volumes: [{name: config, configMap: {name: checkout-config}}]`;
    const base = docs(app(mount), configMap);
    const head = docs(app(mount, egressOnlyDns("shop", "checkout")), configMap);
    expect(findings(base, head, RULE).map((f) => f.message)).toEqual([
      "checkout can no longer reach payment.shop.svc:50051 (checkout-config, line 53)",
    ]);
  });

  it("is critical when the API server can no longer call an admission webhook", () => {
    const webhook = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: policy-check}
webhooks:
- name: check.example.com
  clientConfig:
    service: {name: payment, namespace: shop, port: 50051}
  admissionReviewVersions: [v1]
  sideEffects: None
`;
    const base = docs(app(""), webhook);
    const head = docs(app("", denyIngress("shop", "payment")), webhook);
    expect(findings(base, head, RULE).map((f) => [f.severity, f.message])).toEqual([
      [
        "critical",
        "the API server can no longer reach its admission webhook payment.shop.svc:50051 (ValidatingWebhookConfiguration policy-check, line 47)",
      ],
    ]);
  });

  it("does not fire for outside hosts, names that match no Service, names in comments, or a Service of another namespace", () => {
    const cases = [
      env("PAYMENT_URL", "https://payment.example.com:50051"),
      env("PAYMENT_ADDR", "payments:50051"),
      `        command: ["/bin/sh", "-c", "# was payment:50051\\nexec /app"]`,
      // A bare word without scheme or port, in a variable that is no host.
      env("MODE", "payment"),
    ];
    for (const container of cases) {
      const base = app(container);
      const head = app(container, egressOnlyDns("shop", "checkout"));
      expect(findings(base, head, RULE), container).toEqual([]);
    }
    // `payment` in checkout's namespace does not exist; the one in billing is another Service.
    const other = (...more: string[]) =>
      docs(
        deployment("shop", "checkout", 5050, env("PAYMENT_SERVICE_ADDR", "payment:50051")),
        deployment("billing", "payment", 50051),
        service("billing", "payment", 50051),
        ...more,
      );
    expect(findings(other(), other(egressOnlyDns("shop", "checkout")), RULE)).toEqual([]);
  });

  it("does not fire when the flow was already denied in the base, or stays allowed", () => {
    const value = env("PAYMENT_SERVICE_ADDR", "payment:50051");
    const denied = app(value, egressOnlyDns("shop", "checkout"));
    expect(findings(denied, denied, RULE)).toEqual([]);
    const allowed = app(value, denyIngress("shop", "checkout"));
    expect(findings(app(value), allowed, RULE)).toEqual([]);
  });
});
