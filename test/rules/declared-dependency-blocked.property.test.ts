// A declared dependency that base allows and head denies always yields declared-dependency-blocked,
// and the rule fires only for such flows: random worlds of a caller that names a Service (env, args or
// a mounted ConfigMap; short, namespaced or full DNS names), the Service's pods, and random
// NetworkPolicies on either end in base and head.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { declaredFlowStates } from "../../src/analysis/declared-flows.js";
import { docs, findings, model } from "../helpers/inline.js";

const PORT = 8080;
const NS = ["shop", "pay"];

const policy = (i: number, ns: string, app: string, kind: number, peerNs: string, peerApp: string) => {
  const head = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p${i}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: ${app}}}`;
  const peer = `{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${peerNs}}}, podSelector: {matchLabels: {app: ${peerApp}}}}`;
  switch (kind) {
    case 0: // deny all egress
      return `${head}\n  policyTypes: [Egress]`;
    case 1: // deny all ingress
      return `${head}\n  policyTypes: [Ingress]`;
    case 2: // egress to the peer on the port
      return `${head}\n  policyTypes: [Egress]\n  egress: [{to: [${peer}], ports: [{port: ${PORT}}]}]`;
    case 3: // ingress from the peer on the port
      return `${head}\n  policyTypes: [Ingress]\n  ingress: [{from: [${peer}], ports: [{port: ${PORT}}]}]`;
    case 4: // egress to the peer on another port
      return `${head}\n  policyTypes: [Egress]\n  egress: [{to: [${peer}], ports: [{port: 9999}]}]`;
    default: // ingress from anywhere
      return `${head}\n  policyTypes: [Ingress]\n  ingress: [{}]`;
  }
};

const policyArb = fc.record({
  end: fc.constantFrom("caller", "target"),
  kind: fc.integer({ min: 0, max: 5 }),
});

const world = fc.record({
  callerNs: fc.constantFrom(...NS),
  targetNs: fc.constantFrom(...NS),
  form: fc.constantFrom("short", "ns", "svc", "full", "url"),
  via: fc.constantFrom("env", "args", "configmap"),
  base: fc.array(policyArb, { maxLength: 3 }),
  head: fc.array(policyArb, { maxLength: 3 }),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function manifests(w: World, side: "base" | "head"): string {
  const name = "backend";
  const host =
    w.form === "short"
      ? name
      : w.form === "ns"
        ? `${name}.${w.targetNs}`
        : w.form === "svc"
          ? `${name}.${w.targetNs}.svc`
          : `${name}.${w.targetNs}.svc.cluster.local`;
  const address = w.form === "url" ? `http://${name}.${w.targetNs}.svc:${PORT}/api` : `${host}:${PORT}`;
  const container =
    w.via === "env"
      ? `        env: [{name: BACKEND_ADDR, value: "${address}"}]`
      : w.via === "args"
        ? `        args: ["--backend=${address}"]`
        : `        envFrom: [{configMapRef: {name: caller-config}}]`;
  const objects = [
    `
apiVersion: apps/v1
kind: Deployment
metadata: {name: caller, namespace: ${w.callerNs}}
spec:
  selector: {matchLabels: {app: caller}}
  template:
    metadata: {labels: {app: caller}}
    spec:
      containers:
      - name: main
        image: example/caller
${container}`,
    `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${w.targetNs}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: main
        image: example/backend
        ports: [{name: http, containerPort: ${PORT}}]`,
    `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${w.targetNs}}
spec:
  selector: {app: ${name}}
  ports: [{port: ${PORT}, targetPort: http}]`,
    `
apiVersion: v1
kind: ConfigMap
metadata: {name: caller-config, namespace: ${w.callerNs}}
data: {BACKEND_ADDR: "${address}"}`,
  ];
  w[side].forEach((p, i) => {
    const [ns, app, peerNs, peerApp] =
      p.end === "caller" ? [w.callerNs, "caller", w.targetNs, name] : [w.targetNs, name, w.callerNs, "caller"];
    objects.push(policy(i, ns, app, p.kind, peerNs, peerApp));
  });
  return docs(...objects);
}

describe("declared-dependency-blocked (property)", () => {
  it("fires exactly when a declared flow allowed in base is denied in head", () => {
    fc.assert(
      fc.property(world, (w) => {
        const base = manifests(w, "base");
        const head = manifests(w, "head");
        const [b, h] = [declaredFlowStates(model(base)), declaredFlowStates(model(head))];
        // A short name resolves only in the caller's own namespace.
        const resolves = w.form !== "short" || w.callerNs === w.targetNs;
        expect(h.length).toBe(resolves ? 1 : 0);
        const blocked = resolves && !b[0].allowed.isEmpty() && h[0].allowed.isEmpty();
        const hits = findings(base, head, "declared-dependency-blocked");
        expect(hits.length).toBe(blocked ? 1 : 0);
        if (blocked) expect(hits[0].objects).toContain(h[0].dependency.declared.object);
      }),
      { numRuns: 150 },
    );
  });
});
