// Placeholder until src/analysis/exposure.ts lands: no exposure.
import type { Config } from "../config/schema.js";
import type { Cluster } from "../model/types.js";
import type { BrokenRoute, Exposure } from "./exposure-model.js";

export function exposureOf(_cluster: Cluster, _config: Config): { exposures: Exposure[]; broken: BrokenRoute[] } {
  return { exposures: [], broken: [] };
}
