// Shared helpers of the exposure tests: load fixtures through the real loader and model, and read
// exposures back as the one-line text form people see, which the tests compare exactly.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  computeExposure,
  type Exposure,
  type ExposureOptions,
  type ExposureResult,
} from "../../src/analysis/exposure/index.js";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText, type RawObject } from "../../src/manifests/parse.js";
import { buildCluster } from "../../src/model/build.js";
import type { Cluster } from "../../src/model/types.js";
import { exposureLine } from "../../src/report/exposure-report.js";
import { loadSnapshot } from "../../src/snapshot.js";

export const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURES = join(ROOT, "fixtures/exposure");
const SHARED = resolve(ROOT, "../shared");
export const REALWORLD = join(SHARED, "realworld");

/** Loads files or folders under fixtures/exposure; file names in output are relative to the repo root. */
export function fixture(...rel: string[]): Cluster {
  return loadSnapshot(
    rel.map((r) => join(FIXTURES, r)),
    { displayRoot: ROOT },
  );
}

export function exposure(cluster: Cluster, options: Partial<ExposureOptions> = {}): ExposureResult {
  return computeExposure(cluster, options);
}

/** One line per exposure, with `[blocked by X]` when a policy stops it. */
export function lines(result: ExposureResult | readonly Exposure[]): string[] {
  const list = Array.isArray(result) ? result : (result as ExposureResult).exposures;
  return list.map((e: Exposure) => `${exposureLine(e)}${e.blockedBy ? ` [blocked by ${e.blockedBy}]` : ""}`);
}

export function broken(result: ExposureResult): string[] {
  return result.broken.map((b) => `${b.ref}: ${b.reason} @${b.file}:${b.line}`);
}

/** The raw objects of a manifest file, to build clusters from a chosen subset of them. */
export function rawObjects(path: string): RawObject[] {
  return parseManifestText(path, readFileSync(path, "utf8"), new Diagnostics());
}

export function clusterOf(objects: readonly RawObject[]): Cluster {
  return buildCluster(objects, {}, new Diagnostics());
}

/** Skips a suite, saying why, when the shared real-world data is not next to the repository. */
export function haveShared(path: string): boolean {
  const ok = existsSync(path);
  if (!ok)
    console.warn(`skipping: ${path} is absent (the shared real-world data lives in ../shared next to the repository)`);
  return ok;
}
