// How renames are said in every output (plain text; each output escapes it): renames of one namespace
// together, as a findings row or a paragraph of the comment's reachability details.
import type { Rename } from "../analysis/renames.js";
import type { Finding } from "../rules/rule.js";
import { splitId } from "./names.js";

type Renamed = Pick<Rename, "from" | "to" | "same" | "changed">;

/**
 * Renames in the order every output lists them: by environment (as first met), then alphabetically by old
 * name, as the findings are sorted (by their message, which starts with the old name).
 */
export function renamesInOrder<T extends Pick<Rename, "from" | "environment">>(list: readonly T[]): T[] {
  const envs = [...new Set(list.map((x) => x.environment))];
  return [...list].sort(
    (a, b) => envs.indexOf(a.environment) - envs.indexOf(b.environment) || a.from.localeCompare(b.from),
  );
}

/**
 * Renames of one namespace in words: how many ("10 Deployments renamed in namespace shop"), old → new names
 * (the first `shown`, then how many more: "ad → shop-ad, … and 7 more"), and their connections ("the same 25
 * connections each under the new name").
 */
export function renamesWords(
  renames: readonly Renamed[],
  shown: number,
): { what: string; names: string; connections: string } {
  const list = renamesInOrder(renames);
  const ids = list.map((x) => [splitId(x.from), splitId(x.to)] as const);
  const kinds = new Set(ids.flatMap(([from, to]) => [from.kind, to.kind]));
  const [kind] = kinds;
  const what = kinds.size === 1 && kind ? `${kind}s` : "workloads";
  const name = (p: ReturnType<typeof splitId>) => (kinds.size === 1 ? p.name : `${p.kind}/${p.name}`);
  const pairs = ids.slice(0, shown).map(([from, to]) => `${name(from)} → ${name(to)}`);
  const more = list.length > shown ? ` and ${list.length - shown} more` : "";
  const count = (n: number) => `${n.toLocaleString("en-US")} connection${n === 1 ? "" : "s"}`;
  const same = list.map((x) => x.same);
  const changed = list.reduce((n, x) => n + x.changed, 0);
  const sameWords = same.every((n) => n === same[0])
    ? `the same ${count(same[0])} each under the new name`
    : `${count(same.reduce((a, b) => a + b, 0))} the same under the new names`;
  const ns = ids[0][1].namespace;
  return {
    what: `${list.length} ${what} renamed${ns ? ` in namespace ${ns}` : ""}`,
    names: `${pairs.join(", ")}${more}`,
    connections: `${sameWords}${changed ? `, ${count(changed)} changed` : ""}`,
  };
}

/**
 * Two or more renames of one namespace (and environment), a row of the findings tables (finding-groups.ts),
 * naming the first three. Undefined for any other group of findings.
 */
export function renameGroupWords(group: readonly Finding[]): string | undefined {
  if (group.length < 2 || !group.every((f) => f.rule === "workload-renamed")) return undefined;
  const list = group.map((f) => ({
    from: String(f.data.from),
    to: String(f.data.to),
    same: Number(f.data.same ?? 0),
    changed: Number(f.data.changed ?? 0),
  }));
  const w = renamesWords(list, 3);
  return `${w.what}: ${w.names}; ${w.connections}`;
}
