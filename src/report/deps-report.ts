// The declared dependencies of one snapshot (model/dependencies.ts) with what its policies allow of
// each: the JSON shape (also the `dependencies` of `reach --format json`) and a text form for people,
// so that users can check what was inferred from their configuration.
import type { DeclaredFlowState } from "../analysis/declared-flows.js";
import type { Exposure } from "../analysis/exposure/index.js";
import { resolvedByName } from "../model/dependencies.js";
import type { Cluster } from "../model/types.js";
import { callerName, entryLabel } from "./names.js";

/** Entry kinds whose backends a controller or data plane in the cluster must reach (not a cloud load balancer). */
const PROXIED = new Set(["Ingress", "Gateway", "Route"]);

/** The backends of Ingress rules, Gateway routes and OpenShift Routes: the proxy must reach each. */
function proxiedBackends(exposures: readonly Exposure[]): Exposure[] {
  return exposures.filter((e) => PROXIED.has(e.via.kind));
}

function backendJson(e: Exposure) {
  return {
    entry: entryLabel(e),
    ref: e.via.ref,
    service: e.via.service,
    to: e.workload,
    protocol: e.protocol,
    port: e.port,
    declared: { file: e.file, line: e.line },
    allowed: e.blockedBy === null,
    blockedBy: e.blockedBy,
  };
}

export interface DeclaredFlowJson {
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly port: number;
  readonly service?: string;
  readonly servicePort?: number;
  readonly address: string;
  readonly role: string;
  readonly source: string;
  readonly declared: { readonly object: string; readonly field: string; readonly file: string; readonly line: number };
  readonly allowed: boolean;
}

export function declaredFlowJson(s: DeclaredFlowState): DeclaredFlowJson {
  const d = s.dependency;
  return {
    from: d.from,
    to: s.target.workload,
    protocol: s.target.protocol,
    port: s.target.port,
    service: d.service,
    servicePort: d.servicePort,
    address: d.address,
    role: d.role,
    source: d.via,
    declared: d.declared,
    allowed: !s.allowed.isEmpty(),
  };
}

export function depsJson(
  states: readonly DeclaredFlowState[],
  cluster: Cluster,
  exposures: readonly Exposure[] = [],
): object {
  return {
    dependencies: states.map(declaredFlowJson),
    backends: proxiedBackends(exposures).map(backendJson),
    needsDns: [...new Set(cluster.dependencies.filter(resolvedByName).map((d) => d.from))].sort(),
    diagnostics: cluster.diagnostics,
  };
}

export function depsText(
  states: readonly DeclaredFlowState[],
  cluster: Cluster,
  exposures: readonly Exposure[] = [],
): string {
  const denied = states.filter((s) => s.allowed.isEmpty()).length;
  const lines = [
    `${cluster.dependencies.length} declared dependencies (${states.length} flows to pods), ${denied} denied by the policies`,
  ];
  const byCaller = new Map<string, DeclaredFlowState[]>();
  for (const s of states) {
    const list = byCaller.get(s.dependency.from) ?? [];
    list.push(s);
    byCaller.set(s.dependency.from, list);
  }
  const dns = new Set(cluster.dependencies.filter(resolvedByName).map((d) => d.from));
  for (const from of [...byCaller.keys()].sort()) {
    const caller =
      from === "kube-apiserver" ? `${from} (${callerName(from)}, from the control plane's addresses)` : from;
    lines.push("", `${caller}${dns.has(from) ? "  [resolves names: needs DNS egress to kube-dns on 53]" : ""}`);
    for (const s of byCaller.get(from)!) {
      const d = s.dependency;
      const state = s.allowed.isEmpty() ? "DENIED" : "allowed";
      lines.push(
        // A ServiceImport is its own target: its pods are in other clusters.
        s.target.workload === d.service
          ? `  -> ${d.address} (${d.role})  ${d.service} (pods in other clusters) ${s.target.protocol} ${s.target.port}  ${state}`
          : `  -> ${d.address} (${d.role})  ${d.service ? `${d.service} -> ` : ""}${s.target.workload} ${s.target.protocol} ${s.target.port}  ${state}`,
        `     declared in ${d.via === "env" || d.via === "args" || d.via === "command" ? d.declared.field : `${d.declared.object} ${d.declared.field}`} at ${d.declared.file}:${d.declared.line}`,
      );
    }
  }
  const backends = proxiedBackends(exposures);
  if (backends.length) {
    lines.push(
      "",
      "Backends of Ingress rules, Gateway routes and Routes (the controller or data plane must reach them):",
    );
    for (const e of backends)
      lines.push(
        `  ${entryLabel(e)} -> ${e.workload} ${e.protocol} ${e.port}  ${e.blockedBy ? `BLOCKED by ${e.blockedBy}` : "allowed"}`,
        `     declared at ${e.file}:${e.line}`,
      );
  }
  return `${lines.join("\n")}\n`;
}
