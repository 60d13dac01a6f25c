// Where the entry kinds put what they find: exposures (one per entry and pod port, merged when an entry
// reaches the same pod port again), broken routes, and info diagnostics (each said once).
import type { Diagnostics } from "../../manifests/diagnostics.js";
import type { Admission, Origin } from "./admission.js";
import type { Target } from "./targets.js";
import { ENTRY_KIND_ORDER, type BrokenRoute, type Exposure, type ExposureResult } from "./types.js";

/** What identifies one exposure: the same entry reaching the same pod port is one. */
function exposureKey(e: Exposure): string {
  const v = e.via;
  return JSON.stringify([
    e.workload,
    e.protocol,
    e.port,
    v.kind,
    v.ref,
    v.entryPort ?? null,
    v.host ?? null,
    v.path ?? null,
    v.listener ?? null,
  ]);
}

export class Collector {
  private readonly exposures = new Map<string, Exposure>();
  private readonly broken = new Map<string, BrokenRoute>();
  private readonly infos = new Set<string>();
  private readonly sensitive: Set<number>;

  constructor(
    readonly diagnostics: Diagnostics,
    private readonly admission: Admission,
    sensitivePorts: readonly number[],
  ) {
    this.sensitive = new Set(sensitivePorts);
  }

  info(file: string, line: number, message: string, object?: string): void {
    const key = `${file}:${line}:${message}`;
    if (this.infos.has(key)) return;
    this.infos.add(key);
    this.diagnostics.info(file, line, message, object);
  }

  addBroken(b: BrokenRoute): void {
    this.broken.set(`${b.ref}\u0000${b.reason}`, b);
  }

  add(e: Exposure): void {
    const key = exposureKey(e);
    const previous = this.exposures.get(key);
    if (!previous) {
      this.exposures.set(key, e);
      return;
    }
    // The same entry reaching the same pod port again (another rule, match or Service): one exposure.
    if (e.via.matches) previous.via.matches = [...new Set([...(previous.via.matches ?? []), ...e.via.matches])];
    if (e.via.service && previous.via.service && e.via.service !== previous.via.service)
      previous.notes.push(`also through ${e.via.service}`);
    for (const n of e.notes) if (!previous.notes.includes(n)) previous.notes.push(n);
    if (e.blockedBy === null) previous.blockedBy = null;
    previous.sources = [...new Set([...previous.sources, ...e.sources])];
  }

  /** Adds one exposure per target, with the policy verdict for traffic from `origin`. */
  emit(
    targets: readonly Target[],
    base: Omit<Exposure, "workload" | "protocol" | "port" | "blockedBy">,
    origin: Origin,
  ): void {
    for (const t of targets) {
      const verdict = this.admission.admit(t, origin);
      const notes = [...base.notes, ...t.notes, ...verdict.notes];
      const sensitive = [t.port, base.via.servicePort, base.via.entryPort].filter(
        (p): p is number => p !== undefined && this.sensitive.has(p),
      );
      if (sensitive.length) notes.push(`sensitive port ${[...new Set(sensitive)].join(", ")}`);
      this.add({
        workload: t.workload.id,
        protocol: t.protocol,
        port: t.port,
        via: { ...base.via, matches: base.via.matches ? [...base.via.matches] : undefined },
        sources: verdict.sources ?? [...base.sources],
        blockedBy: verdict.blockedBy,
        file: base.file,
        line: base.line,
        notes: [...new Set(notes)],
      });
    }
  }

  /** Everything found, in a stable order. */
  result(): ExposureResult {
    const sortKey = (e: Exposure) => [
      String(ENTRY_KIND_ORDER.indexOf(e.via.kind)),
      e.via.ref,
      e.via.listener ?? "",
      e.via.host ?? "",
      e.via.path ?? "",
      String(e.via.entryPort ?? 0).padStart(5, "0"),
      e.workload,
      e.protocol,
      String(e.port).padStart(5, "0"),
    ];
    const exposures = [...this.exposures.values()].sort((a, b) => {
      const ka = sortKey(a);
      const kb = sortKey(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
      return 0;
    });
    const broken = [...this.broken.values()].sort((a, b) =>
      a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0,
    );
    return { exposures, broken, diagnostics: this.diagnostics.items };
  }
}
