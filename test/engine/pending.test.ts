// Behaviour the engine tests found wrong in src/analysis or src/model (owned elsewhere). Each entry
// states the input, what Kubernetes does, and what the engine does today. Turn an entry into a real
// test (next to the fixture it names) once it is fixed.
import { describe, it } from "vitest";

describe("pending: src/analysis", () => {
  it.todo(
    "explain gives no reason when the selecting NetworkPolicy's rules match the peer but not the asked port: fixtures/engine/explain/shop.yaml, " +
      "explain(frontend -> api, TCP 9090). Expected the ingress side to name shop/NetworkPolicy/api-ingress (shop.yaml:36) as isolating the pod, " +
      "its rule #1 (shop.yaml:42) allowing only TCP 8080. Actual: 'ingress of the destination: denies' with no step at all " +
      "(policy-eval pushes the 'isolate' step only when no rule matched the peer, and explain drops the allow step whose ports miss the asked port).",
  );
});

describe("pending: src/model", () => {
  it.todo(
    "NetworkPolicy without spec.podSelector (or with `spec: null`): the API server decodes the missing selector as {} and accepts the object, " +
      "so it selects every pod of its namespace (with the default policyTypes [Ingress]: deny all ingress). Input: " +
      "`kind: NetworkPolicy, metadata: {name: nosel, namespace: other}, spec: {policyTypes: [Ingress]}` and a Pod in `other`. " +
      "Expected: nothing reaches other/Pod/p. Actual: the policy is skipped with 'spec.podSelector: is missing' and other/Pod/p is open to everything " +
      "(fixtures/engine/loader/wrong-types.yaml `null-spec` is the same case).",
  );
  it.todo(
    "A live dump holding a Pod whose controller is ReplicaSet web-5d9f7c and that ReplicaSet itself: both are the one workload live/ReplicaSet/web-5d9f7c. " +
      "Expected: one workload, no diagnostic. Actual: warning 'live/ReplicaSet/web-5d9f7c is defined again (first at <pod's line>); the later definition is used' " +
      "(build.ts put() treats the ReplicaSet object as a redefinition of the pods' workload).",
  );
});
