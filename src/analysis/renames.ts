// Workloads renamed: a removed and an added workload of one namespace and kind whose pods carry the same
// labels (the old name read as the new one), share a port and talk to the same peers (the workloads renamed
// with them read under their new names). A rename is one fact, not its connections removed and added: the
// connections that are the same under the new names are set aside, and only what the rename also changed
// stays a connection change (one "changed" connection where the ports differ).
//
// Labels (samePods): the pod template labels of the two must be equal, key for key, once
// - labels that differ from one revision or release to the next are left out: those controllers set
//   (pod-template-hash, controller-revision-hash, pod-template-generation, the StatefulSet and Job pod
//   labels), and version and chart labels (a key `version` or ending in `/version`, `helm.sh/chart`, `chart`);
// - in a value, the old name may read as the new one (`app: web` -> `app: web-v2`), and so may the part of
//   the name that changed, the words (split at - and .) the two names share at either end set aside
//   (`instance: myrel` -> `instance: prod` when myrel-nginx becomes prod-nginx).
// Any other label that differs, or is on one side only (tier, app.kubernetes.io/component, a team), says
// another workload: a replacement listening on a port the old one had is no rename.
import { type ChangeKind, changeKind, type ConnectionChange } from "./diff.js";
import { diffExposures, type ExposureChange } from "./exposure-diff.js";
import type { ObjectChange } from "./object-diff.js";
import type { Cluster, Workload } from "../model/types.js";

type Caused = ConnectionChange & { readonly causes: readonly ObjectChange[] };

export interface Rename {
  readonly environment?: string;
  readonly from: string;
  readonly to: string;
  /** Connections of the old name that are the same under the new one (each counted once). */
  readonly same: number;
  /** Connections the rename also changed (they stay in `connections`). */
  readonly changed: number;
  /** Where the new name is defined. */
  readonly file?: string;
  readonly line?: number;
}

const nsKind = (id: string) => id.split("/").slice(0, 2).join("/");
const addressKey = (c: ConnectionChange) => c.addresses?.map((a) => `${a.family}:${a.lo}-${a.hi}`).join() ?? "";

/** Where a workload is defined (its own added or removed change), for pairing renames in file order. */
function positions(list: readonly Caused[]): Map<string, ObjectChange> {
  const at = new Map<string, ObjectChange>();
  for (const c of list)
    for (const o of c.causes)
      if (!at.has(`${o.environment ?? ""}|${o.id}`)) at.set(`${o.environment ?? ""}|${o.id}`, o);
  return at;
}

/**
 * The renames among the removed and added workloads, and the connection changes left once the connections
 * that are the same under the new names are set aside.
 */
export function findRenames(
  list: readonly Caused[],
  workloads: { readonly added: readonly string[]; readonly removed: readonly string[] },
  alike: (removed: string, added: string) => boolean = () => true,
): { renames: Rename[]; connections: Caused[] } {
  if (!workloads.added.length || !workloads.removed.length) return { renames: [], connections: [...list] };
  const removed = new Set(workloads.removed);
  const added = new Set(workloads.added);
  // Each workload's peers (direction and peer), by environment; a peer that is itself removed or added
  // (perhaps renamed too) is read as "a moving peer", so renames among each other still pair.
  const peers = (change: ChangeKind, moving: ReadonlySet<string>) => {
    const by = new Map<string, Set<string>>();
    const put = (id: string, c: Caused, k: string) => {
      const key = `${c.environment ?? ""}|${id}`;
      const s = by.get(key) ?? new Set<string>();
      s.add(`${k}|${addressKey(c)}`);
      by.set(key, s);
    };
    for (const c of list) {
      if (c.change !== change) continue;
      const name = (p: string, self: string) => (p === self ? "self" : moving.has(p) ? "moving" : p);
      if (moving.has(c.from)) put(c.from, c, `to ${name(c.to, c.from)}`);
      if (moving.has(c.to) && c.to !== c.from) put(c.to, c, `from ${name(c.from, c.to)}`);
    }
    return by;
  };
  const gone = peers("removed", removed);
  const came = peers("added", added);
  const at = positions(list);
  const order = (key: string) => {
    const o = at.get(key);
    return [o?.file ?? "", o?.line ?? 0] as const;
  };
  const byOrder = (a: string, b: string) => {
    const [fa, la] = order(a);
    const [fb, lb] = order(b);
    return fa.localeCompare(fb) || la - lb || a.localeCompare(b);
  };
  // Pair each removed workload with the added one of its namespace and kind sharing the most peers (more
  // than half of both), in file order, so that renames in one file pair in the order they are written.
  const pairs = new Map<string, string>();
  const taken = new Set<string>();
  for (const old of [...gone.keys()].sort(byOrder)) {
    const before = gone.get(old)!;
    const [env, id] = [old.slice(0, old.indexOf("|")), old.slice(old.indexOf("|") + 1)];
    let best: { key: string; score: number } | undefined;
    for (const key of [...came.keys()].sort(byOrder)) {
      const now = key.slice(key.indexOf("|") + 1);
      if (taken.has(key) || !key.startsWith(`${env}|`) || nsKind(now) !== nsKind(id) || !alike(id, now)) continue;
      const after = came.get(key)!;
      const shared = [...before].filter((p) => after.has(p)).length;
      if (shared * 2 <= Math.max(before.size, after.size)) continue;
      if (!best || shared > best.score) best = { key, score: shared };
    }
    if (!best) continue;
    taken.add(best.key);
    pairs.set(old, best.key.slice(best.key.indexOf("|") + 1));
  }
  if (!pairs.size) return { renames: [], connections: [...list] };
  // Read every removed connection under the new names, and match it with the added one it became.
  const renamed = (c: Caused, id: string) => pairs.get(`${c.environment ?? ""}|${id}`) ?? id;
  const key = (c: Caused, from: string, to: string) => `${c.environment ?? ""}|${from}|${to}|${addressKey(c)}`;
  const arrivals = new Map<string, Caused>();
  for (const c of list)
    if (c.change === "added" && (added.has(c.from) || added.has(c.to))) arrivals.set(key(c, c.from, c.to), c);
  const dropped = new Set<Caused>();
  const same = new Map<string, Caused[]>();
  const replaced = new Map<Caused, Caused>();
  for (const c of list) {
    if (c.change !== "removed" || !(removed.has(c.from) || removed.has(c.to))) continue;
    const from = renamed(c, c.from);
    const to = renamed(c, c.to);
    if (from === c.from && to === c.to) continue;
    const now = arrivals.get(key(c, from, to));
    if (!now) continue;
    dropped.add(now);
    const kind = changeKind(c.base, now.head);
    if (kind === null) {
      dropped.add(c);
      same.set(c.environment ?? "", (same.get(c.environment ?? "") ?? []).concat(c));
      continue;
    }
    // The same connection under the new name with other ports: one change, said as what the ports became.
    const causes = [...now.causes, ...c.causes.filter((o) => !now.causes.includes(o))];
    replaced.set(c, { ...now, change: kind, base: c.base, head: now.head, causes });
  }
  const connections = list.filter((c) => !dropped.has(c)).map((c) => replaced.get(c) ?? c);
  const touching = (l: readonly Caused[], env: string, a: string, b: string) =>
    l.filter((c) => (c.environment ?? "") === env && [c.from, c.to].some((p) => p === a || p === b)).length;
  const renames: Rename[] = [...pairs].map(([old, to]) => {
    const env = old.slice(0, old.indexOf("|"));
    const from = old.slice(old.indexOf("|") + 1);
    const where = at.get(`${env}|${to}`);
    return {
      ...(env ? { environment: env } : {}),
      from,
      to,
      same: touching(same.get(env) ?? [], env, from, from),
      changed: touching(connections, env, from, to),
      ...(where ? { file: where.file, line: where.line } : {}),
    };
  });
  return { renames, connections };
}

/** Pod labels that differ per revision or release, not per workload (see the module comment). */
const REVISION_LABELS = new Set([
  "pod-template-hash",
  "controller-revision-hash",
  "pod-template-generation",
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "controller-uid",
  "job-name",
  "batch.kubernetes.io/controller-uid",
  "batch.kubernetes.io/job-name",
  "helm.sh/chart",
  "chart",
]);
const perRevision = (key: string) => REVISION_LABELS.has(key) || key === "version" || key.endsWith("/version");

/** The part of a name that a rename changed: the words (split at - and .) both names share at either end set aside. */
function changedPart(from: string, to: string): [string, string] {
  const words = (name: string) => name.split(/[-.]/);
  const [a, b] = [words(from), words(to)];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  // The same words, with the separators they had: cut the names at the shared words' lengths.
  const cut = (name: string, w: readonly string[]) => {
    const head = w.slice(0, start).join("-").length + (start ? 1 : 0);
    const tail = w.slice(w.length - end).join("-").length + (end ? 1 : 0);
    return name.slice(head, Math.max(head, name.length - tail));
  };
  return [cut(from, a), cut(to, b)];
}

/** Whether two workloads' pod labels are the same but for the rename (see the module comment). */
function sameLabels(a: Workload, b: Workload): boolean {
  const keys = (w: Workload) =>
    Object.keys(w.labels)
      .filter((k) => !perRevision(k))
      .sort();
  const [ka, kb] = [keys(a), keys(b)];
  if (ka.join("\0") !== kb.join("\0")) return false;
  const [partA, partB] = changedPart(a.name, b.name);
  const renamed = (v: string, from: string, to: string) => (from ? v.split(from).join(to) : v);
  return ka.every((k) => {
    const [va, vb] = [a.labels[k], b.labels[k]];
    return va === vb || renamed(va, a.name, b.name) === vb || renamed(va, partA, partB) === vb;
  });
}

/** The ports a workload's pods listen on (protocol and number). */
const podPorts = (w: Workload) => new Set(w.ports.map((p) => `${p.protocol}/${p.containerPort}`));

/**
 * Whether a removed workload of `base` and an added one of `head` can be one renamed: their pods carry the
 * same labels but for the rename (sameLabels), share a port (or neither declares one) and host networking.
 * In a namespace without NetworkPolicy every workload talks to the same peers, so the peers alone would also
 * pair a workload with an unrelated one that replaced it; a rename that also opens a port (a metrics port)
 * keeps the ports it had.
 */
export function samePods(base: Cluster, head: Cluster): (removed: string, added: string) => boolean {
  const before = new Map(base.workloads.map((w) => [w.id, w]));
  const after = new Map(head.workloads.map((w) => [w.id, w]));
  return (removed, added) => {
    const [a, b] = [before.get(removed), after.get(added)];
    if (!a || !b) return true;
    if (a.hostNetwork !== b.hostNetwork || !sameLabels(a, b)) return false;
    const [pa, pb] = [podPorts(a), podPorts(b)];
    return (pa.size === 0 && pb.size === 0) || [...pa].some((p) => pb.has(p));
  };
}

/**
 * The exposure changes once a renamed workload's entry points that are the same under its new name are set
 * aside (a load balancer in front of a renamed Deployment: its exposure removed from the old name and added
 * to the new one); an entry point the rename also changed stays, as one changed exposure of the new name.
 */
export function renameExposures<T extends ExposureChange>(
  exposures: readonly T[],
  renames: readonly Rename[],
): (T | ExposureChange)[] {
  if (!renames.length) return [...exposures];
  const env = (x: { readonly environment?: string }) => x.environment ?? "";
  const to = new Map(renames.map((r) => [`${env(r)}|${r.from}`, r.to]));
  const news = new Set(renames.map((r) => `${env(r)}|${r.to}`));
  const moved = (x: T) =>
    (x.change === "removed" && to.has(`${env(x)}|${x.base!.workload}`)) ||
    (x.change === "added" && news.has(`${env(x)}|${x.head!.workload}`));
  const out: (T | ExposureChange)[] = exposures.filter((x) => !moved(x));
  for (const e of new Set(exposures.filter(moved).map(env))) {
    const mine = exposures.filter((x) => moved(x) && env(x) === e);
    const base = mine.flatMap((x) =>
      x.base ? [{ ...x.base, workload: to.get(`${e}|${x.base.workload}`) ?? x.base.workload }] : [],
    );
    const head = mine.flatMap((x) => (x.head ? [x.head] : []));
    for (const c of diffExposures(base, head)) out.push(e ? { ...c, environment: e } : c);
  }
  return out;
}
