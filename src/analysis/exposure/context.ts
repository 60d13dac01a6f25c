// What every entry kind is given: the snapshot, the settings, and the helpers that the old single
// exposure "engine" class held, one per concern: pods (lookups and classes), targets (Service port ->
// pod ports), proxies (who sends the traffic of a route), and the collector (results, which asks
// admission for each one's policy verdict).
import { Diagnostics } from "../../manifests/diagnostics.js";
import type { Cluster } from "../../model/types.js";
import { Admission } from "./admission.js";
import { Collector } from "./collect.js";
import { Pods } from "./pods.js";
import { Proxies } from "./proxies.js";
import { Targets } from "./targets.js";
import type { ExposureOptions } from "./types.js";

export interface ExposureContext {
  readonly cluster: Cluster;
  readonly options: ExposureOptions;
  readonly pods: Pods;
  readonly targets: Targets;
  readonly proxies: Proxies;
  readonly out: Collector;
}

/** One kind of entry point: finds its entries in the snapshot and what each reaches. */
export interface EntryKindModule {
  readonly name: string;
  readonly collect: (ctx: ExposureContext) => void;
}

export function createContext(cluster: Cluster, options: ExposureOptions): ExposureContext {
  const diagnostics = new Diagnostics();
  const admission = new Admission(cluster);
  const pods = new Pods(cluster);
  const out = new Collector(diagnostics, admission, options.sensitivePorts ?? []);
  return {
    cluster,
    options,
    pods,
    targets: new Targets(cluster, pods, out),
    proxies: new Proxies(cluster, pods),
    out,
  };
}
