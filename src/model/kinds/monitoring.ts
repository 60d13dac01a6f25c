// What Prometheus Operator resources say a Prometheus must reach: the ServiceMonitors and PodMonitors
// it selects (monitoring.coreos.com/v1), its Alertmanagers (spec.alerting.alertmanagers) and its
// remote write URLs. The Prometheus pods themselves are read by operator-workload.ts. Read leniently:
// a malformed field yields nothing (these kinds do not decide connectivity, only what is expected).
import { parseSelector, SelectorError, type LabelSelector } from "../../core/label-selector.js";
import type { Source } from "../../manifests/parse.js";
import { isObj } from "../fields.js";

export const MONITORING_GROUP = "monitoring.coreos.com";

export interface MonitorEndpoint {
  /** The Service port's name (ServiceMonitor) or the container port's name (PodMonitor). */
  readonly port?: string;
  /** The container port, by number or name (deprecated in both kinds, still honoured). */
  readonly targetPort?: number | string;
  readonly line: number;
  readonly field: string;
}

/** A ServiceMonitor (selects Services) or a PodMonitor (selects pods). */
export interface Monitor {
  readonly id: string;
  readonly kind: "ServiceMonitor" | "PodMonitor";
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selector: LabelSelector;
  /** Namespaces of its targets: every one (`any: true`), the names listed, else its own. */
  readonly namespaces: "any" | readonly string[];
  readonly endpoints: readonly MonitorEndpoint[];
  readonly source: Source;
}

/** A Prometheus's calls: which monitors it selects, and the Services it sends alerts and samples to. */
export interface PrometheusCalls {
  /** The Prometheus workload's id (operator-workload.ts names it so). */
  readonly id: string;
  readonly namespace: string;
  /** null: the field is absent, and the operator selects no monitor of that kind. */
  readonly serviceMonitorSelector: LabelSelector | null;
  /** null: only the Prometheus's own namespace. */
  readonly serviceMonitorNamespaceSelector: LabelSelector | null;
  readonly podMonitorSelector: LabelSelector | null;
  readonly podMonitorNamespaceSelector: LabelSelector | null;
  readonly alertmanagers: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly port: number | string;
    readonly line: number;
    readonly field: string;
  }[];
  readonly remoteWrite: readonly { readonly url: string; readonly line: number; readonly field: string }[];
  readonly source: Source;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (isObj(v) ? v : undefined);
const portOrName = (v: unknown): number | string | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : typeof v === "string" && v ? v : undefined;

function selector(raw: unknown): LabelSelector | null {
  if (raw === undefined || raw === null) return null;
  try {
    return parseSelector(raw);
  } catch (e) {
    if (e instanceof SelectorError) return null;
    throw e;
  }
}

export function readMonitor(
  kind: "ServiceMonitor" | "PodMonitor",
  data: Record<string, unknown>,
  name: string,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  source: Source,
): Monitor | null {
  const spec = obj(data.spec);
  const sel = selector(spec?.selector);
  if (!spec || !sel) return null;
  const nsSel = obj(spec.namespaceSelector);
  const names = list(nsSel?.matchNames).filter((n): n is string => typeof n === "string");
  const field = kind === "ServiceMonitor" ? "endpoints" : "podMetricsEndpoints";
  const endpoints = list(spec[field]).flatMap((e, i) => {
    const ep = obj(e);
    if (!ep) return [];
    const port = str(ep.port);
    const targetPort = portOrName(ep.targetPort);
    if (port === undefined && targetPort === undefined) return [];
    return [{ port, targetPort, line: source.lineOf(["spec", field, i]), field: `spec.${field}[${i}]` }];
  });
  return {
    id: `${namespace}/${kind}/${name}`,
    kind,
    name,
    namespace,
    labels,
    selector: sel,
    namespaces: nsSel?.any === true ? "any" : names.length ? names : [namespace],
    endpoints,
    source,
  };
}

export function readPrometheusCalls(
  data: Record<string, unknown>,
  name: string,
  namespace: string,
  source: Source,
): PrometheusCalls {
  const spec = obj(data.spec) ?? {};
  const alertmanagers = list(obj(spec.alerting)?.alertmanagers).flatMap((a, i) => {
    const am = obj(a);
    const amName = str(am?.name);
    const port = portOrName(am?.port);
    if (!am || !amName || port === undefined) return [];
    const path = ["spec", "alerting", "alertmanagers", i];
    return [
      {
        namespace: str(am.namespace) ?? namespace,
        name: amName,
        port,
        line: source.lineOf(path),
        field: `spec.alerting.alertmanagers[${i}]`,
      },
    ];
  });
  const remoteWrite = list(spec.remoteWrite).flatMap((r, i) => {
    const url = str(obj(r)?.url);
    return url
      ? [{ url, line: source.lineOf(["spec", "remoteWrite", i, "url"]), field: `spec.remoteWrite[${i}].url` }]
      : [];
  });
  return {
    id: `${namespace}/Prometheus/${name}`,
    namespace,
    serviceMonitorSelector: selector(spec.serviceMonitorSelector),
    serviceMonitorNamespaceSelector: selector(spec.serviceMonitorNamespaceSelector),
    podMonitorSelector: selector(spec.podMonitorSelector),
    podMonitorNamespaceSelector: selector(spec.podMonitorNamespaceSelector),
    alertmanagers,
    remoteWrite,
    source,
  };
}
