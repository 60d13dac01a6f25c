// Findings grouped by root cause, for every findings table (the comment's, the HTML report's): those at
// one object's file and line (a new load balancer's exposure, its node ports, its missing source ranges)
// are one row, led by the worst, the others inside it, all in plain words (plain.ts).
import type { ObjectChange } from "../analysis/object-diff.js";
import type { DiffResult } from "../rules/judge.js";
import type { Finding } from "../rules/rule.js";
import { splitId } from "./names.js";
import { plainMessage, plainObject } from "./plain.js";
import { renameGroupWords } from "./renames-words.js";

/**
 * The findings in rows: one per file and line (per environment), in the findings' order; renames of one
 * namespace are one row when there are several (groupWords says them in one sentence). With `byLine` false
 * (the CLI's text, which says each finding in full) only the renames are grouped.
 */
export function findingGroups(findings: readonly Finding[], { byLine = true } = {}): Finding[][] {
  const groups = new Map<string, Finding[]>();
  const renamedIn = (f: Finding) =>
    f.rule === "workload-renamed"
      ? JSON.stringify([f.environment ?? null, splitId(String(f.data.to)).namespace ?? null])
      : undefined;
  const renames = new Map<string, number>();
  for (const f of findings) if (renamedIn(f)) renames.set(renamedIn(f)!, (renames.get(renamedIn(f)!) ?? 0) + 1);
  findings.forEach((f, i) => {
    const ns = renamedIn(f);
    const key =
      ns && renames.get(ns)! > 1
        ? `renamed ${ns}`
        : f.file && byLine
          ? JSON.stringify([f.environment ?? null, f.file, f.line ?? 0])
          : `#${i}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  });
  return [...groups.values()];
}

export interface GroupWords {
  /** The changed object the row's findings come from (`Service db-public in namespace shop`), when there are several. */
  readonly cause?: { readonly object: ObjectChange; readonly words: string };
  /** The worst finding's words. */
  readonly first: string;
  /** The others' words, each with its finding. */
  readonly also: readonly { readonly finding: Finding; readonly words: string }[];
}

/** A row in plain words: the cause names its namespace, and the findings under it do not again. */
export function groupWords(r: DiffResult, group: readonly Finding[]): GroupWords {
  // Renames of one namespace: one sentence naming a few (renames-words.ts).
  const renamed = renameGroupWords(group);
  if (renamed) return { first: renamed, also: [] };
  const [f, ...also] = group;
  // The object at the row's file and line, when its findings share them (renames of a namespace do not).
  const object =
    also.length && also.every((g) => g.file === f.file && g.line === f.line)
      ? r.objects.find((o) => o.file === f.file && o.line === f.line && o.environment === f.environment)
      : undefined;
  const said = object ? splitId(object.id).namespace : undefined;
  return {
    ...(object ? { cause: { object, words: plainObject(object.id) } } : {}),
    first: plainMessage(r, f, said),
    also: also.map((g) => ({ finding: g, words: plainMessage(r, g, said) })),
  };
}
