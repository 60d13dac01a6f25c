// The decision trace of a finding about a connection: `explain` of its source and destination on both
// sides (which policy, rule and tier decided each direction, with file:line), so that whoever reads the
// check run sees why the traffic opened or closed without running the CLI. Only findings about a
// changed connection get one (exposure and object findings have their own cause), and only the first
// few: each trace evaluates the policies for that pair again.
import { explain } from "../analysis/explain.js";
import { explanationText } from "../report/explain-text.js";
import type { ConnectionChange } from "../analysis/diff.js";
import { intervalToCidrs } from "../core/ip.js";
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

/**
 * The connection a finding is about: its two objects are the change's two ends, or its one object is
 * one end of the only change between it and outside addresses (ingress from, egress to the internet),
 * named by the first CIDR of those addresses.
 */
function connectionOf(
  changes: readonly ConnectionChange[],
  objects: readonly string[],
  environment: string | undefined,
): { change: ConnectionChange; from: string; to: string } | undefined {
  const here = changes.filter((c) => (c.environment ?? "") === (environment ?? ""));
  if (objects.length === 2) {
    const change = here.find((c) => c.from === objects[0] && c.to === objects[1]);
    return change && { change, from: change.from, to: change.to };
  }
  if (objects.length !== 1) return undefined;
  const outside = here.filter(
    (c) => (c.from === objects[0] && c.to === "ip:") || (c.to === objects[0] && c.from === "ip:"),
  );
  const change = outside.length === 1 ? outside[0] : undefined;
  const cidr = change?.addresses?.length ? intervalToCidrs(change.addresses[0])[0] : undefined;
  if (!change || !cidr) return undefined;
  const ip = (id: string) => (id === "ip:" ? `ip:${cidr}` : id);
  return { change, from: ip(change.from), to: ip(change.to) };
}

export function findingTraces(result: DiffResult, pairs: readonly EnvironmentPair[], max = MAX_TRACES): FindingTrace[] {
  const traces: FindingTrace[] = [];
  const pairOf = (environment: string | undefined) => pairs.find((p) => p.name === (environment ?? ""));
  for (const [i, f] of result.findings.entries()) {
    if (traces.length >= max) break;
    const pair = pairOf(f.environment);
    const found = pair && connectionOf(result.connections, f.objects, f.environment);
    if (!pair || !found) continue;
    const { change, from, to } = found;
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
