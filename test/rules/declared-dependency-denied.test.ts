// declared-dependency-denied: a declared flow that the head denies, as the base did (or newly declared).
import { describe, expect, it } from "vitest";
import { deployment, docs, egressOnlyDns, findings, service } from "../helpers/inline.js";

const RULE = "declared-dependency-denied";
const env = (value: string) => `        env: [{name: PAYMENT_SERVICE_ADDR, value: "${value}"}]`;
const app = (checkoutEnv: string, ...more: string[]) =>
  docs(
    deployment("shop", "checkout", 5050, checkoutEnv),
    deployment("shop", "payment", 50051),
    service("shop", "payment", 50051),
    ...more,
  );
const other = `
apiVersion: v1
kind: ConfigMap
metadata: {name: unrelated, namespace: elsewhere}
data: {a: b}`;

describe(RULE, () => {
  it("fires once when the change touches a flow that stays denied", () => {
    const base = app(env("payment:50051"), egressOnlyDns("shop", "checkout"));
    // The change edits a policy of the namespace, and the denied flow stays denied.
    const head = app(env("payment:50051"), egressOnlyDns("shop", "checkout").replace("TCP, port: 53", "TCP, port: 54"));
    expect(findings(base, head, RULE).map((f) => [f.severity, f.message, f.line])).toEqual([
      [
        "medium",
        "checkout cannot reach payment:50051 (env PAYMENT_SERVICE_ADDR, line 13): the policies deny it, before and after this change",
        13,
      ],
    ]);
  });

  it("fires when the change declares an address the policies deny", () => {
    const base = app("", egressOnlyDns("shop", "checkout"));
    const head = app(env("payment:50051"), egressOnlyDns("shop", "checkout"));
    expect(findings(base, head, RULE).map((f) => f.message)).toEqual([
      "checkout cannot reach payment:50051 (env PAYMENT_SERVICE_ADDR, line 13): the policies deny it, and this change declares it",
    ]);
  });

  it("does not fire for a change that does not touch the flow, one that blocks it (the other rule), or an allowed flow", () => {
    const denied = app(env("payment:50051"), egressOnlyDns("shop", "checkout"));
    expect(findings(denied, docs(denied, other), RULE)).toEqual([]);
    expect(findings(app(env("payment:50051")), denied, RULE)).toEqual([]);
    expect(findings(app(""), app(env("payment:50051")), RULE)).toEqual([]);
  });
});
