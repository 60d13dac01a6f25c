// The machine-readable diff: risk, findings, exposure and reachability changes with their causes.
import { describeDelta } from "./names.js";
import type { DiffResult } from "../rules/judge.js";
import { intervalToCidrs } from "../core/ip.js";

export function diffJson(r: DiffResult): object {
  return {
    risk: r.risk,
    findings: r.findings,
    exposure: {
      changes: r.exposures.map((c) => ({
        ...(c.environment === undefined ? {} : { environment: c.environment }),
        change: c.change,
        what: c.deltas.map(describeDelta),
        deltas: c.deltas,
        base: c.base,
        head: c.head,
      })),
    },
    reachability: {
      // from and to are always one id: a change with outside addresses is one entry per CIDR (ip:<CIDR>),
      // as in `reach --format json`.
      changes: r.connections.flatMap((c) => {
        const ids = (id: string) => (id === "ip:" ? c.addresses!.flatMap(intervalToCidrs).map((x) => `ip:${x}`) : [id]);
        return ids(c.from).flatMap((from) =>
          ids(c.to).map((to) => ({
            ...(c.environment === undefined ? {} : { environment: c.environment }),
            change: c.change,
            from,
            to,
            base: c.base.toJSON(),
            head: c.head.toJSON(),
            causes: c.causes.map((o) => ({ id: o.id, change: o.change, file: o.file, line: o.line })),
          })),
        );
      }),
      workloads: r.workloads,
    },
    objects: r.objects,
    notes: r.notes,
    stats: r.stats,
    diagnostics: r.diagnostics,
    ...(r.environments ? { environments: r.environments } : {}),
  };
}
