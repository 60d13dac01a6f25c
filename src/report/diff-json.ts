// The machine-readable diff: risk, findings, exposure and reachability changes with their causes.
import { describeDelta } from "./names.js";
import type { DiffResult } from "../rules/judge.js";
import { intervalToCidrs } from "../core/ip.js";

type Change = DiffResult["connections"][number];

/** One connection change as JSON entries: from and to are always one id (outside addresses one entry per CIDR). */
function changeEntries(c: Change): object[] {
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
}

function exposureEntry(c: DiffResult["exposures"][number]): object {
  return {
    ...(c.environment === undefined ? {} : { environment: c.environment }),
    change: c.change,
    what: c.deltas.map(describeDelta),
    deltas: c.deltas,
    base: c.base,
    head: c.head,
  };
}

export function diffJson(r: DiffResult): object {
  const renames = r.renames?.list ?? [];
  return {
    risk: r.risk,
    findings: r.findings,
    exposure: {
      changes: r.exposures.map(exposureEntry),
      // As reachability.changesAfterRenames: a renamed workload's entry points that are the same under its new
      // name set aside, only when there is a rename.
      ...(renames.length ? { changesAfterRenames: (r.renames?.exposures ?? r.exposures).map(exposureEntry) } : {}),
    },
    reachability: {
      // Every connection change, a rename's too: the facts (the np-guard agreement test reads them). from and
      // to are always one id: a change with outside addresses is one entry per CIDR (ip:<CIDR>), as in
      // `reach --format json`.
      changes: r.connections.flatMap(changeEntries),
      // Workloads renamed (analysis/renames.ts): `same` connections are the same under the new name, `changed`
      // the rename also changed; file and line are where the new name is defined.
      renames: renames.map((x) => ({
        ...(x.environment === undefined ? {} : { environment: x.environment }),
        from: x.from,
        to: x.to,
        same: x.same,
        changed: x.changed,
        ...(x.file ? { file: x.file, line: x.line } : {}),
      })),
      // The changes as the other outputs list them (a rename's same connections set aside, what it changed
      // said as one "changed" entry under the new name). Only when there are renames, else it is `changes`:
      // a script reads `changesAfterRenames ?? changes` and the common output does not say every change twice.
      ...(renames.length
        ? { changesAfterRenames: (r.renames?.connections ?? r.connections).flatMap(changeEntries) }
        : {}),
      workloads: r.workloads,
    },
    objects: r.objects,
    notes: r.notes,
    stats: r.stats,
    diagnostics: r.diagnostics,
    ...(r.environments ? { environments: r.environments } : {}),
  };
}
