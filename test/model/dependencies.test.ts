// Each source of declared dependencies, read from inline manifests through the real parser and model:
// what is a dependency (and where it is declared), and what is not.
import { describe, expect, it } from "vitest";
import { deployment, docs, model, service } from "../helpers/inline.js";

const list = (yaml: string) =>
  model(yaml).dependencies.map(
    (d) =>
      `${d.from} -> ${d.service ?? "-"}:${d.servicePort ?? "-"} ${d.targets.map((t) => `${t.workload}:${t.port}`).join(",")} [${d.role}, ${d.via} ${d.declared.field} @${d.declared.line}]`,
  );

const prometheus = (spec: string) => `
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
${spec}`;

const exporter = docs(
  deployment("apps", "exporter", 9100),
  `
apiVersion: v1
kind: Service
metadata: {name: exporter, namespace: apps, labels: {team: a}}
spec:
  selector: {app: exporter}
  ports: [{name: metrics, port: 9100, targetPort: grpc}]`,
);

describe("sources of declared dependencies", () => {
  it("ConfigMaps and Secrets a pod reads by valueFrom, envFrom and projected volumes; not the ones it does not read", () => {
    const pod = `
        env: [{name: PAYMENT_HOST, valueFrom: {configMapKeyRef: {name: urls, key: payment}}}]
        envFrom: [{secretRef: {name: creds}}]
      volumes:
      - name: all
        projected:
          sources: [{configMap: {name: files, items: [{key: app.yaml, path: app.yaml}]}}]`;
    const yaml = docs(
      deployment("shop", "checkout", 5050, pod),
      deployment("shop", "payment", 50051),
      service("shop", "payment", 50051),
      deployment("shop", "cart", 7070),
      service("shop", "cart", 7070),
      deployment("shop", "currency", 7000),
      service("shop", "currency", 7000),
      deployment("shop", "ledger", 7001),
      service("shop", "ledger", 7001),
      `
apiVersion: v1
kind: ConfigMap
metadata: {name: urls, namespace: shop}
data: {payment: payment, cart: "cart:7070"}`,
      `
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {CART_URL: "grpc://cart:7070"}`,
      `
apiVersion: v1
kind: ConfigMap
metadata: {name: files, namespace: shop}
data:
  app.yaml: |
    currency:
      endpoint: currency.shop.svc:7000
  other.yaml: |
    ledger: http://ledger.shop:7001`,
      `
apiVersion: v1
kind: ConfigMap
metadata: {name: unused, namespace: shop}
data: {CART_URL: "http://cart:7070"}`,
    );
    expect(list(yaml)).toEqual([
      // valueFrom: only the key it names, under the variable's name (a host-like one).
      "shop/Deployment/checkout -> shop/Service/payment:50051 shop/Deployment/payment:50051 [service, ConfigMap data payment @104]",
      "shop/Deployment/checkout -> shop/Service/cart:7070 shop/Deployment/cart:7070 [service, Secret data CART_URL @109]",
      // A projected volume with items: only those keys (the line inside the block).
      "shop/Deployment/checkout -> shop/Service/currency:7000 shop/Deployment/currency:7000 [service, ConfigMap data app.yaml @117]",
    ]);
  });

  it("a Prometheus: the ServiceMonitors and PodMonitors it selects, its Alertmanagers and remote write", () => {
    const yaml = docs(
      exporter,
      deployment("monitoring", "receiver", 9201),
      service("monitoring", "receiver", 9201),
      prometheus(`  serviceMonitorSelector: {matchLabels: {team: a}}
  serviceMonitorNamespaceSelector: {}
  podMonitorSelector: {}
  alerting:
    alertmanagers: [{name: receiver, namespace: monitoring, port: grpc}]
  remoteWrite: [{url: "http://receiver.monitoring.svc:9201/write"}, {url: "https://metrics.example.com/api"}]`),
      `
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: exporter, namespace: apps, labels: {team: a}}
spec:
  selector: {matchLabels: {team: a}}
  endpoints: [{port: metrics}]`,
      `
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: not-selected, namespace: apps, labels: {team: b}}
spec:
  selector: {matchLabels: {team: a}}
  endpoints: [{port: metrics}]`,
      `
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: receiver, namespace: monitoring}
spec:
  selector: {matchLabels: {app: receiver}}
  podMetricsEndpoints: [{port: grpc}]`,
      `
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: elsewhere, namespace: apps}
spec:
  selector: {matchLabels: {app: exporter}}
  podMetricsEndpoints: [{port: grpc}]`,
    );
    expect(list(yaml)).toEqual([
      "monitoring/Prometheus/k8s -> apps/Service/exporter:9100 apps/Deployment/exporter:9100 [scrape target, ServiceMonitor spec.endpoints[0] @57]",
      // podMonitorNamespaceSelector absent: only the Prometheus's own namespace.
      "monitoring/Prometheus/k8s -> -:- monitoring/Deployment/receiver:9201 [scrape target, PodMonitor spec.podMetricsEndpoints[0] @71]",
      "monitoring/Prometheus/k8s -> monitoring/Service/receiver:9201 monitoring/Deployment/receiver:9201 [Alertmanager, Prometheus spec.alerting.alertmanagers[0] @49]",
      "monitoring/Prometheus/k8s -> monitoring/Service/receiver:9201 monitoring/Deployment/receiver:9201 [remote write endpoint, Prometheus spec.remoteWrite[0].url @50]",
    ]);
  });

  it("the API server: webhooks by Service (port 443 by default) and APIServices; not a webhook by URL", () => {
    const yaml = docs(
      deployment("system", "hooks", 9443),
      service("system", "hooks", 443),
      `
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: inject}
webhooks:
- name: by-url.example.com
  clientConfig: {url: "https://hooks.example.com/mutate"}
- name: by-service.example.com
  clientConfig: {service: {name: hooks, namespace: system}}`,
      `
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.example.com}
spec:
  group: example.com
  version: v1beta1
  service: {name: hooks, namespace: system, port: 443}`,
    );
    expect(list(yaml)).toEqual([
      "kube-apiserver -> system/Service/hooks:443 system/Deployment/hooks:9443 [admission webhook, MutatingWebhookConfiguration webhooks[1] by-service.example.com @28]",
      "kube-apiserver -> system/Service/hooks:443 system/Deployment/hooks:9443 [API service, APIService spec.service @36]",
    ]);
  });
});
