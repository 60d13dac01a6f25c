// The exposure of a snapshot under a reachdiff configuration: maps the config's keys to the exposure
// engine's options.
import type { Config } from "../config/schema.js";
import type { Cluster } from "../model/types.js";
import { computeExposure, type ExposureResult } from "./exposure/index.js";

export function exposureOptions(config: Config) {
  const controller = config["ingress-controller"];
  return {
    ingressController: {
      namespace: controller.namespace,
      podLabels: Object.keys(controller["pod-labels"]).length ? controller["pod-labels"] : undefined,
    },
    internalGatewayClasses: config.gateway["internal-classes"],
    sensitivePorts: config["sensitive-ports"],
  };
}

export function exposureOf(cluster: Cluster, config: Config): ExposureResult {
  return computeExposure(cluster, exposureOptions(config));
}
