// Renders the connectivity of one snapshot: the fixed JSON shape and a text form for people.
import { describeAddresses } from "./addresses.js";
import { connectivityEdges, type Connectivity } from "../analysis/reach.js";
import type { Cluster } from "../model/types.js";
import { declaredFlowStates } from "../analysis/declared-flows.js";
import { declaredFlowJson } from "./deps-report.js";

export function reachJson(c: Connectivity, cluster: Cluster): object {
  const dependencies = declaredFlowStates(cluster, c.families).map(declaredFlowJson);
  // An edge that carries a declared flow says where the configuration declares it.
  const declared = new Map<string, { address: string; role: string; file: string; line: number }[]>();
  for (const d of dependencies) {
    if (!d.allowed) continue;
    const key = `${d.from} ${d.to}`;
    const list = declared.get(key) ?? [];
    list.push({ address: d.address, role: d.role, file: d.declared.file, line: d.declared.line });
    declared.set(key, list);
  }
  return {
    edges: connectivityEdges(c).map((e) => {
      const marks = declared.get(`${e.from} ${e.to}`);
      return { from: e.from, to: e.to, ports: e.conns.toJSON(), ...(marks ? { declared: marks } : {}) };
    }),
    workloads: cluster.workloads.map((w) => w.id).sort(),
    classes: c.classes,
    dependencies,
    diagnostics: cluster.diagnostics,
  };
}

/** The connectivity for people; problems in the input are said once, by the caller (on stderr). */
export function reachText(c: Connectivity, cluster: Cluster): string {
  const lines: string[] = [];
  const bySource = new Map<string, string[]>();
  const add = (from: string, line: string) => {
    const list = bySource.get(from) ?? [];
    list.push(line);
    bySource.set(from, list);
  };
  for (const e of c.podEdges)
    add(e.from, `  -> ${e.from === e.to ? `${e.to} (itself, between replicas)` : e.to}  ${e.conns}`);
  for (const e of c.ipEdges) {
    const where = describeAddresses(e.intervals);
    if (e.direction === "egress") add(e.workload, `  -> outside ${where}  ${e.conns}`);
    else add(e.workload, `  <- outside ${where}  ${e.conns}`);
  }
  const byId = new Map(cluster.workloads.map((w) => [w.id, w]));
  const ids = [...byId.keys()].sort();
  lines.push(
    `${ids.length} workloads, ${c.podEdges.length} workload-to-workload connections (${c.classes} classes of identical pods)`,
  );
  for (const id of ids) {
    const w = byId.get(id)!;
    lines.push("", `${id}${w.hostNetwork ? "  [hostNetwork: not subject to NetworkPolicy]" : ""}`);
    const list = bySource.get(id);
    if (list?.length) lines.push(...list);
    else lines.push("  (no connections)");
  }
  return `${lines.join("\n")}\n`;
}
