// The declared dependencies of one snapshot (model/dependencies.ts) with what its policies allow of
// each: the JSON shape (also the `dependencies` of `reach --format json`) and a text form for people,
// so that users can check what was inferred from their configuration.
import type { DeclaredFlowState } from "../analysis/declared-flows.js";
import { resolvedByName } from "../model/dependencies.js";
import type { Cluster } from "../model/types.js";
import { callerName } from "./names.js";

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

export function depsJson(states: readonly DeclaredFlowState[], cluster: Cluster): object {
  return {
    dependencies: states.map(declaredFlowJson),
    needsDns: [...new Set(cluster.dependencies.filter(resolvedByName).map((d) => d.from))].sort(),
    diagnostics: cluster.diagnostics,
  };
}

export function depsText(states: readonly DeclaredFlowState[], cluster: Cluster): string {
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
        `  -> ${d.address} (${d.role})  ${d.service ? `${d.service} -> ` : ""}${s.target.workload} ${s.target.protocol} ${s.target.port}  ${state}`,
        `     declared in ${d.via === "env" || d.via === "args" || d.via === "command" ? d.declared.field : `${d.declared.object} ${d.declared.field}`} at ${d.declared.file}:${d.declared.line}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
