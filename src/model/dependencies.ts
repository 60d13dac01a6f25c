// One file: declared dependencies found and resolved to pods and ports, because every source resolves the same way.
// Declared dependencies: the flows a cluster's own configuration says must work. A workload names a
// Service by DNS name in its env, args or command, or in a ConfigMap/Secret it reads; a Prometheus
// selects ServiceMonitors and PodMonitors and sends to Alertmanagers and remote write URLs; the API
// server calls admission webhooks and aggregated APIs. Each name resolves to a Service of this model
// (a short name in the caller's own namespace), then to the pods it selects and the container port its
// targetPort picks there. A name that resolves to nothing is not a dependency: precision before recall.
//
// The API server is not a pod of the model: its calls come from the control plane's (node) addresses,
// so it is the peer API_SERVER, and the analysis asks whether any outside address may reach the target.
import { matches, type Labels } from "../core/label-selector.js";
import type { Source } from "../manifests/parse.js";
import type { ApiServerCall } from "./kinds/api-service-callers.js";
import type { ConfigData } from "./kinds/config-data.js";
import type { Monitor, PrometheusCalls } from "./kinds/monitoring.js";
import type { ServiceImport } from "./kinds/multicluster.js";
import type { PodConfig } from "./kinds/pod-config.js";
import { findAddresses, type AddressMention } from "./service-address.js";
import type {
  Dependency,
  DependencyRole,
  DependencySource,
  DependencyTarget,
  Namespace,
  Service,
  ServicePort,
  Workload,
} from "./types.js";

/** The peer id of the Kubernetes API server (the caller of webhooks and aggregated APIs). */
export const API_SERVER = "kube-apiserver";

/** What build.ts collects while reading the objects, for finding the dependencies at the end. */
export interface DependencyInputs {
  readonly pods: Map<string, { readonly config: PodConfig; readonly source: Source }>;
  readonly configs: Map<string, ConfigData>;
  readonly serviceLabels: Map<string, Labels>;
  readonly monitors: Monitor[];
  readonly prometheus: PrometheusCalls[];
  readonly apiServerCalls: ApiServerCall[];
}

export function dependencyInputs(): DependencyInputs {
  return {
    pods: new Map(),
    configs: new Map(),
    serviceLabels: new Map(),
    monitors: [],
    prometheus: [],
    apiServerCalls: [],
  };
}

/** Sources whose names a pod resolves through cluster DNS (operator-discovered targets do not). */
const BY_NAME: ReadonlySet<DependencySource> = new Set(["env", "args", "command", "ConfigMap", "Secret"]);

/** Whether the dependency is declared by a DNS name the caller resolves itself (so it needs DNS). */
export function resolvedByName(d: Dependency): boolean {
  return BY_NAME.has(d.via) || d.role === "remote write endpoint";
}

/** A variable or key whose name says its value is a host: REDIS_HOST, DB_ADDR, api_url (not SERVICE_NAME: often the pod's own name). */
const HOST_HINT = /host|addr|url|uri|endpoint|server|upstream/i;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

interface Model {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  /** Multi-cluster Services this cluster imports: a clusterset address resolves to one (a remote destination). */
  readonly serviceImports?: readonly ServiceImport[];
}

export function declaredDependencies(inputs: DependencyInputs, model: Model): Dependency[] {
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const workloadsIn = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    const list = workloadsIn.get(w.namespace);
    if (list) list.push(w);
    else workloadsIn.set(w.namespace, [w]);
  }
  const workloadById = new Map(model.workloads.map((w) => [w.id, w]));
  const out: Dependency[] = [];
  const seen = new Set<string>();
  const add = (d: Dependency) => {
    if (!d.targets.length) return;
    const key = JSON.stringify([d.from, d.service ?? d.address, d.servicePort, d.role]);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };

  /** The container port a Service port (or a monitor's targetPort) picks on a workload's pods. */
  const containerPort = (w: Workload, target: number | string, protocol: ServicePort["protocol"]) =>
    typeof target === "number"
      ? target
      : w.ports.find((p) => p.name === target && p.protocol === protocol)?.containerPort;
  // Many callers name the same Service: its pods are looked up once per Service port.
  const targetsOf = new Map<string, DependencyTarget[]>();
  const serviceTargets = (svc: Service, port: ServicePort, targetPort = port.targetPort): DependencyTarget[] => {
    const key = JSON.stringify([svc.id, port.protocol, targetPort]);
    let targets = targetsOf.get(key);
    if (!targets) targetsOf.set(key, (targets = podsOf(svc, port, targetPort)));
    return targets;
  };
  const podsOf = (svc: Service, port: ServicePort, targetPort: number | string): DependencyTarget[] => {
    const selector = svc.selector;
    if (!selector) return [];
    return (workloadsIn.get(svc.namespace) ?? []).flatMap((w) => {
      if (!Object.entries(selector).every(([k, v]) => w.labels[k] === v)) return [];
      const p = containerPort(w, targetPort, port.protocol);
      return p === undefined ? [] : [{ workload: w.id, protocol: port.protocol, port: p }];
    });
  };
  const callable = (namespace: string, name: string): Service | undefined => {
    const svc = services.get(`${namespace}/${name}`);
    return svc && svc.type !== "ExternalName" && svc.selector ? svc : undefined;
  };

  /** The Service and port an address names, from a caller in `namespace`. */
  const resolve = (m: AddressMention, namespace: string, hint?: string) => {
    // A bare word is a host only with a scheme, a port, or as the whole value of a host-like variable.
    const hostLike = (m.whole && hint && HOST_HINT.test(hint)) || (m.key !== undefined && HOST_HINT.test(m.key));
    if (!m.namespace && !m.scheme && m.port === undefined && !hostLike) return null;
    const svc = callable(m.namespace ?? namespace, m.name);
    if (!svc) return null;
    let port: ServicePort | undefined;
    if (m.port !== undefined)
      port =
        svc.ports.find((p) => p.port === m.port && p.protocol === "TCP") ?? svc.ports.find((p) => p.port === m.port);
    else {
      const byScheme = m.scheme ? DEFAULT_PORTS[m.scheme] : undefined;
      port =
        (byScheme !== undefined ? svc.ports.find((p) => p.port === byScheme) : undefined) ??
        (svc.ports.length === 1 ? svc.ports[0] : undefined);
    }
    return port ? { svc, port } : null;
  };

  const imports = new Map((model.serviceImports ?? []).map((i) => [`${i.namespace}/${i.name}`, i]));
  /**
   * A clusterset address (`name.namespace.svc.clusterset.local`) of a ServiceImport: its endpoints are in
   * other clusters, so the target is the import itself, on the import's port (the remote pods' own port
   * is not known here), and only the caller's egress decides (to outside addresses).
   */
  const remote = (m: AddressMention, namespace: string) => {
    if (!m.clusterset) return null;
    const imp = imports.get(`${m.namespace ?? namespace}/${m.name}`);
    const port =
      m.port !== undefined
        ? imp?.ports.find((p) => p.port === m.port)
        : imp?.ports.length === 1
          ? imp.ports[0]
          : undefined;
    return imp && port ? { imp, port } : null;
  };

  const fromText = (
    from: Workload,
    text: string,
    declared: { via: DependencySource; object: string; field: string; file: string; line: number; multiline: boolean },
    hint: string | undefined,
    role: DependencyRole,
  ) => {
    for (const m of findAddresses(text)) {
      // A ServiceImport of the clusterset (its pods are other clusters'), else a Service of this cluster.
      const far = remote(m, from.namespace);
      const hit = far ? undefined : resolve(m, from.namespace, hint);
      const to = far
        ? {
            service: far.imp.id,
            servicePort: far.port.port,
            targets: [{ workload: far.imp.id, protocol: far.port.protocol, port: far.port.port }],
          }
        : hit && { service: hit.svc.id, servicePort: hit.port.port, targets: serviceTargets(hit.svc, hit.port) };
      if (!to) continue;
      const { targets, ...service } = to;
      add({
        from: from.id,
        ...service,
        address: m.text,
        role,
        via: declared.via,
        declared: {
          object: declared.object,
          field: declared.field,
          file: declared.file,
          line: declared.multiline ? declared.line + 1 + m.lineOffset : declared.line,
        },
        targets,
      });
    }
  };

  // Pods: their own env, args and command, then the ConfigMaps and Secrets they read.
  for (const [id, { config, source }] of inputs.pods) {
    const w = workloadById.get(id);
    if (!w) continue;
    for (const t of config.texts)
      fromText(
        w,
        t.text,
        { via: t.via, object: id, field: t.field, file: source.file, line: source.lineOf(t.path), multiline: false },
        t.hint,
        "service",
      );
    for (const ref of config.refs) {
      const data = inputs.configs.get(`${w.namespace}/${ref.kind}/${ref.name}`);
      if (!data) continue;
      for (const e of data.entries) {
        if (ref.keys && !ref.keys.includes(e.key)) continue;
        const role: DependencyRole =
          /datasource/i.test(e.key) || /datasource/i.test(data.name) ? "data source" : "service";
        fromText(
          w,
          e.text,
          {
            via: ref.kind,
            object: data.id,
            field: `data ${e.key}`,
            file: data.source.file,
            line: e.line,
            multiline: e.multiline,
          },
          ref.hint ?? e.key,
          role,
        );
      }
    }
  }

  // Prometheus: the monitors it selects, its Alertmanagers, its remote write URLs.
  const namespaceLabels = (ns: string): Labels => model.namespaces.get(ns)?.labels ?? {};
  for (const p of inputs.prometheus) {
    const prometheus = workloadById.get(p.id);
    if (!prometheus) continue;
    for (const m of inputs.monitors) {
      const sel = m.kind === "ServiceMonitor" ? p.serviceMonitorSelector : p.podMonitorSelector;
      const nsSel = m.kind === "ServiceMonitor" ? p.serviceMonitorNamespaceSelector : p.podMonitorNamespaceSelector;
      if (!sel || !matches(sel, m.labels)) continue;
      if (nsSel ? !matches(nsSel, namespaceLabels(m.namespace)) : m.namespace !== p.namespace) continue;
      const inScope = (ns: string) => m.namespaces === "any" || m.namespaces.includes(ns);
      for (const ep of m.endpoints) {
        const declared = { object: m.id, field: ep.field, file: m.source.file, line: ep.line };
        if (m.kind === "ServiceMonitor") {
          for (const svc of model.services) {
            if (!inScope(svc.namespace) || !svc.selector || svc.type === "ExternalName") continue;
            if (!matches(m.selector, inputs.serviceLabels.get(svc.id) ?? {})) continue;
            const ports = ep.port !== undefined ? svc.ports.filter((sp) => sp.name === ep.port) : svc.ports;
            for (const sp of ports)
              add({
                from: p.id,
                service: svc.id,
                servicePort: sp.port,
                address: `${svc.name}.${svc.namespace}.svc:${sp.port}`,
                role: "scrape target",
                via: "ServiceMonitor",
                declared,
                targets: serviceTargets(svc, sp, ep.targetPort ?? sp.targetPort),
              });
          }
        } else {
          const targets = model.workloads.flatMap((w) => {
            if (!inScope(w.namespace) || !matches(m.selector, w.labels)) return [];
            const port =
              ep.port !== undefined
                ? w.ports.find((cp) => cp.name === ep.port)
                : typeof ep.targetPort === "number"
                  ? w.ports.find((cp) => cp.containerPort === ep.targetPort)
                  : w.ports.find((cp) => cp.name === ep.targetPort);
            return port ? [{ workload: w.id, protocol: port.protocol, port: port.containerPort }] : [];
          });
          add({
            from: p.id,
            address: `${m.id} ${ep.port ?? ep.targetPort}`,
            role: "scrape target",
            via: "PodMonitor",
            declared,
            targets,
          });
        }
      }
    }
    for (const am of p.alertmanagers) {
      const svc = callable(am.namespace, am.name);
      const sp = svc?.ports.find((x) => (typeof am.port === "number" ? x.port === am.port : x.name === am.port));
      if (!svc || !sp) continue;
      add({
        from: p.id,
        service: svc.id,
        servicePort: sp.port,
        address: `${svc.name}.${svc.namespace}.svc:${sp.port}`,
        role: "Alertmanager",
        via: "Prometheus",
        declared: { object: p.id, field: am.field, file: p.source.file, line: am.line },
        targets: serviceTargets(svc, sp),
      });
    }
    for (const rw of p.remoteWrite)
      fromText(
        prometheus,
        rw.url,
        { via: "Prometheus", object: p.id, field: rw.field, file: p.source.file, line: rw.line, multiline: false },
        "url",
        "remote write endpoint",
      );
  }

  // The API server: admission webhooks and aggregated APIs.
  for (const call of inputs.apiServerCalls) {
    const svc = callable(call.namespace, call.name);
    const sp = svc?.ports.find((x) => x.port === call.port);
    if (!svc || !sp) continue;
    add({
      from: API_SERVER,
      service: svc.id,
      servicePort: sp.port,
      address: `${svc.name}.${svc.namespace}.svc:${sp.port}`,
      role: call.kind === "APIService" ? "API service" : "admission webhook",
      via: call.kind,
      declared: { object: call.object, field: call.field, file: call.file, line: call.line },
      targets: serviceTargets(svc, sp),
    });
  }
  return out;
}
