// What a risk rule is: a stable id, a severity, words for people, and a check over a diff.
import type { Severity, Config } from "../config/schema.js";
import type { IpInterval } from "../core/ip.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { ExposureChange } from "../analysis/exposure-diff.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import type { Rename } from "../analysis/renames.js";
import type { SideFacts } from "../analysis/analyze.js";

/** One side as the rules read it (computed by the analysis). */
export type Side = SideFacts;

export interface RuleContext {
  readonly base: Side;
  readonly head: Side;
  readonly config: Config;
  /** Connection changes with the changed objects that explain them. */
  readonly connections: readonly (ConnectionChange & { readonly causes: readonly ObjectChange[] })[];
  /** Workloads renamed; their connections that are the same under the new name are not in `connections`. */
  readonly renames: readonly Rename[];
  readonly exposures: readonly ExposureChange[];
  readonly objects: readonly ObjectChange[];
  /**
   * True when the addresses include the internet: public addresses outside the trusted CIDRs, at least as
   * many as a /exposure.internet-min-prefix (so an office /24 is not the internet).
   */
  isInternet(addresses: readonly IpInterval[]): boolean;
  /** The public part of the addresses (outside private, shared and trusted ranges). */
  publicAddresses(addresses: readonly IpInterval[]): IpInterval[];
  /** File and line of an object: head's definition, or base's when it was removed. */
  locate(id: string): { file: string; line: number } | undefined;
}

/** A value a message template names: plain text, a number, or a list (joined with ", "). */
export type MessageValue = string | number | readonly string[];

export interface Hit {
  /** Key of the rule's `messages`: the finding's stable identity, whatever the wording. */
  readonly messageId: string;
  /** The template's `{{name}}` values. */
  readonly data: Readonly<Record<string, MessageValue>>;
  /** This hit's severity, when the rule grades its hits (an override in the config still wins). */
  readonly severity?: Severity;
  readonly objects: readonly string[];
  /** The most this hit may weigh, whatever the rule's severity (a calibrated finding: restricted ranges, a condition). */
  readonly severityCap?: Severity;
  /** What tells two hits on the same objects apart (an entry point, a port), for stable fingerprints. */
  readonly key?: readonly string[];
  /** Defaults to the location of the first object. */
  readonly file?: string;
  readonly line?: number;
}

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** Why it matters, for the rule catalogue. */
  readonly explanation: string;
  readonly fix: string;
  /** Message templates by message id, with `{{name}}` placeholders filled from a hit's data. */
  readonly messages: Readonly<Record<string, string>>;
  /** A fix for a message whose cause needs another one than `fix` (e.g. a rule without `from`, not an ipBlock). */
  readonly fixes?: Readonly<Record<string, string>>;
  /** Within one severity, findings of a higher rank come first (default 0): what breaks before what changed. */
  readonly rank?: number;
  check(ctx: RuleContext): Hit[];
}

export interface Finding {
  /** The environment (one deployed cluster) it belongs to, when the repository deploys several; not part of ids. */
  readonly environment?: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  readonly messageId: string;
  readonly data: Readonly<Record<string, MessageValue>>;
  /** The message template filled with the data. */
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly objects: readonly string[];
  readonly key?: readonly string[];
  readonly fix: string;
}

/**
 * A template filled from data: `{{name}}` -> the value (lists joined with ", "). `word` words each value
 * (a list's items one by one) in the order they appear, for a report that names things in its own words.
 */
export function formatMessage(
  template: string,
  data: Readonly<Record<string, MessageValue>>,
  word: (value: string | number) => string = String,
): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = data[name];
    return v === undefined ? whole : Array.isArray(v) ? v.map(word).join(", ") : word(v as string | number);
  });
}
