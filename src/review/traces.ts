// The decision trace of a finding about a connection: `explain` of its source and destination on both
// sides (which policy, rule and tier decided each direction, with file:line), so that whoever reads the
// check run sees why the traffic opened or closed without running the CLI. Only findings whose
// objects are a changed connection's two ends get one (exposure and object findings have their own
// cause), and only the first few: each trace evaluates the policies for that pair again.
import { explain, explanationText } from "../analysis/explain.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { ConnSet, Protocol } from "../core/port-set.js";
import type { DiffResult } from "../rules/judge.js";
import type { EnvironmentPair } from "./environments.js";

/** Why the traffic of finding `finding` (an index into the findings) is decided as it is, on each side. */
export interface FindingTrace {
  readonly finding: number;
  readonly base?: string;
  readonly head?: string;
}

/** Traces computed per review at most (the worst findings come first). */
export const MAX_TRACES = 25;

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

/** The one port that changed, when only one did (explain then says that port's story); else every port. */
function onePort(change: ConnectionChange): { protocol: Protocol; port: number } | undefined {
  const changed: ConnSet = change.head.subtract(change.base).union(change.base.subtract(change.head));
  const used = PROTOCOLS.filter((p) => !changed.get(p).isEmpty());
  if (used.length !== 1) return undefined;
  const ranges = changed.get(used[0]).toJSON();
  return ranges.length === 1 && ranges[0][0] === ranges[0][1] ? { protocol: used[0], port: ranges[0][0] } : undefined;
}

export function findingTraces(result: DiffResult, pairs: readonly EnvironmentPair[], max = MAX_TRACES): FindingTrace[] {
  const traces: FindingTrace[] = [];
  const pairOf = (environment: string | undefined) => pairs.find((p) => p.name === (environment ?? ""));
  for (const [i, f] of result.findings.entries()) {
    if (traces.length >= max) break;
    if (f.objects.length !== 2) continue;
    const [from, to] = f.objects;
    const change = result.connections.find(
      (c) => c.from === from && c.to === to && (c.environment ?? "") === (f.environment ?? ""),
    );
    const pair = pairOf(f.environment);
    if (!change || !pair) continue;
    const port = onePort(change);
    const side = (cluster: EnvironmentPair["base"]) => {
      if (!cluster) return undefined;
      try {
        return explanationText(explain(cluster, from, to, port));
      } catch {
        return undefined; // an end explain cannot name (an outside address range): no trace
      }
    };
    const base = side(pair.base);
    const head = side(pair.head);
    if (base || head) traces.push({ finding: i, base, head });
  }
  return traces;
}
