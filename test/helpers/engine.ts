// Shared helpers of the engine tests: load a fixture through the real loader and model, and read the
// connectivity back as plain strings that the tests compare exactly.
import { join, resolve } from "node:path";
import { computeConnectivity, connectivityEdges, type ReachOptions } from "../../src/analysis/reach.js";
import type { Cluster } from "../../src/model/types.js";
import { loadSnapshot, type SnapshotOptions } from "../../src/snapshot.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const FIXTURES = join(ROOT, "fixtures/engine");

/** Loads `fixtures/engine/<rel>` (a file or a folder); file names in output are relative to the repo root. */
export function fixture(rel: string, options: SnapshotOptions = {}): Cluster {
  return loadSnapshot([join(FIXTURES, rel)], { displayRoot: ROOT, ...options });
}

/** Every edge of the snapshot as `from -> to: conns` (ConnSet's text form), sorted. */
export function edges(cluster: Cluster, options: ReachOptions = {}): string[] {
  return connectivityEdges(computeConnectivity(cluster, options)).map((e) => `${e.from} -> ${e.to}: ${e.conns}`);
}

/** The connections from one endpoint to another: `all ports`, `TCP 80; UDP 53`, or `none`. */
export function reach(cluster: Cluster, from: string, to: string): string {
  const hit = connectivityEdges(computeConnectivity(cluster)).filter((e) => e.from === from && e.to === to);
  if (hit.length > 1) throw new Error(`${hit.length} edges ${from} -> ${to}`);
  return hit.length ? hit[0].conns.toString() : "none";
}

/** Diagnostics as `file:line: severity: message` lines. */
export function diags(cluster: Cluster): string[] {
  return cluster.diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message}`);
}

/** Everything that can reach `to`, as `from: conns`, sorted. */
export function into(cluster: Cluster, to: string): string[] {
  return connectivityEdges(computeConnectivity(cluster))
    .filter((e) => e.to === to)
    .map((e) => `${e.from}: ${e.conns}`);
}

/** Everything `from` can reach, as `to: conns`, sorted. */
export function outOf(cluster: Cluster, from: string): string[] {
  return connectivityEdges(computeConnectivity(cluster))
    .filter((e) => e.from === from)
    .map((e) => `${e.to}: ${e.conns}`);
}
