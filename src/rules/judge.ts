// Judgement over the facts of a diff: the rules' findings and the overall risk. The analysis computes
// what changed (analysis/analyze.ts); this step says how much it matters.
import type { DiffFacts, RuleInputs, SideStats } from "../analysis/analyze.js";
import { diagramContext } from "../analysis/diagram-context.js";
import { findRenames, type Rename, renameExposures, samePods } from "../analysis/renames.js";
import type { Config, Severity } from "../config/schema.js";
import { overallRisk, runRules } from "./index.js";
import type { Finding } from "./rule.js";

/** A diff's facts with their judgement. */
export interface DiffResult extends DiffFacts {
  readonly risk: Severity | "none";
  readonly findings: readonly Finding[];
  /**
   * Workloads renamed (analysis/renames.ts), and the connection changes once their connections that are the
   * same under the new name are set aside: what the comment lists (`connections` stays every change, the facts).
   */
  readonly renames?: {
    readonly list: readonly Rename[];
    /** The connection changes without those (the connections of a rename that it also changed stay). */
    readonly connections: DiffFacts["connections"];
    /**
     * The exposure changes without a renamed workload's entry points that are the same under its new name (a
     * load balancer in front of it is no new exposure); what the rename also changed stays.
     */
    readonly exposures: DiffFacts["exposures"];
  };
  /**
   * Why a side (of an environment) could not be analysed: nothing read, every render failed. Set by
   * the review path; "no change" would be a lie, so the headline says this first.
   */
  readonly unanalysed?: readonly string[];
  /** When the repository deploys several environments: each one's summary (review/environments.ts). */
  readonly environments?: readonly EnvironmentSummary[];
  /** Each environment's diagram context (DiffFacts.context of that cluster), by name: each is drawn on its own. */
  readonly environmentContexts?: Readonly<Record<string, DiffFacts["context"]>>;
}

export type EnvironmentStatus = "added" | "removed" | "changed" | "unchanged";

/** One environment of a repository (one cluster), summarised. */
export interface EnvironmentSummary {
  readonly name: string;
  readonly cluster?: string;
  readonly status: EnvironmentStatus;
  readonly risk: Severity | "none";
  readonly findings: number;
  readonly exposures: number;
  /** Reachability and exposure changes once a rename's same connections and entry points are set aside (DiffResult.renames). */
  readonly connections: number;
  readonly objects: number;
  readonly stats: { readonly base?: SideStats; readonly head?: SideStats };
  /** Why a side of it could not be analysed (couldNotAnalyse), when it could not. */
  readonly unanalysed?: { readonly base?: string; readonly head?: string };
}

export function judge(
  { facts, inputs }: { readonly facts: DiffFacts; readonly inputs: RuleInputs },
  config: Config,
): DiffResult {
  // A renamed workload is one finding, not its connections removed and added: the rules judge what is
  // left once the connections that are the same under the new names are set aside.
  const { renames, connections } = findRenames(
    facts.connections,
    facts.workloads,
    samePods(inputs.sides.base.cluster, inputs.sides.head.cluster),
  );
  // Its entry points too: a load balancer in front of a renamed workload is not a new exposure of it.
  const exposures = renameExposures(facts.exposures, renames);
  const findings = runRules(
    {
      base: inputs.sides.base,
      head: inputs.sides.head,
      config,
      connections,
      renames,
      exposures,
      objects: facts.objects,
      isInternet: inputs.isInternet,
      publicAddresses: inputs.publicAddresses,
      locate: inputs.locate,
    },
    config,
  );
  // The diagram's context explains the changes it draws: a rename's same connections are none of them.
  const context = renames.length
    ? diagramContext(
        { connections, exposures },
        { connectivity: facts.connectivity.head, exposures: facts.exposure.head },
      )
    : facts.context;
  return {
    ...facts,
    context,
    renames: { list: renames, connections, exposures },
    risk: overallRisk(findings),
    findings,
  };
}
