// Multi-cluster Services across the environments of a repository (KEP-1645): a Service that one
// environment's cluster exports with a ServiceExport is reachable from the other clusters of the
// clusterset, and an environment that holds a ServiceImport of that name consumes it (a declared remote
// destination). Environments are members of one clusterset only when they name different clusters;
// alternatives (overlays of one cluster) are not.
import { clustersetDns } from "../model/kinds/multicluster.js";
import type { Cluster } from "../model/types.js";

export interface ClustersetMember {
  readonly environment: string;
  readonly cluster?: string;
  readonly snapshot?: Cluster;
}

export interface ClustersetLink {
  /** `namespace/name` of the multi-cluster Service. */
  readonly service: string;
  readonly address: string;
  /** The environments that export it (with a Service of that name). */
  readonly exporters: readonly string[];
  /** The environments that import it (a ServiceImport), with the import's place. */
  readonly importers: readonly { readonly environment: string; readonly file: string; readonly line: number }[];
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** Each multi-cluster Service of the members: who exports it and who imports it. */
function clustersetLinks(members: readonly ClustersetMember[]): ClustersetLink[] {
  const links = new Map<
    string,
    { address: string; exporters: Set<string>; importers: ClustersetLink["importers"][number][] }
  >();
  const entry = (namespace: string, name: string) => {
    const k = key(namespace, name);
    let e = links.get(k);
    if (!e) links.set(k, (e = { address: clustersetDns(name, namespace), exporters: new Set(), importers: [] }));
    return e;
  };
  for (const m of members) {
    if (!m.snapshot) continue;
    const services = new Set(
      m.snapshot.services.filter((s) => s.type !== "ExternalName").map((s) => key(s.namespace, s.name)),
    );
    for (const x of m.snapshot.serviceExports ?? [])
      if (services.has(key(x.namespace, x.name))) entry(x.namespace, x.name).exporters.add(m.environment);
    for (const i of m.snapshot.serviceImports ?? [])
      entry(i.namespace, i.name).importers.push({
        environment: m.environment,
        file: i.source.file,
        line: i.source.line,
      });
  }
  return [...links]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([service, e]) => ({ service, address: e.address, exporters: [...e.exporters], importers: e.importers }));
}

/**
 * What a pull request changes between the clusters of a clusterset, in words: a Service newly exported
 * to environments that import it, an export they lose, and an import that no environment of the
 * repository exports (it may come from a cluster deployed elsewhere). Only members that name a cluster.
 */
export function clustersetNotes(base: readonly ClustersetMember[], head: readonly ClustersetMember[]): string[] {
  const inSet = (list: readonly ClustersetMember[]) => list.filter((m) => m.cluster);
  const clusters = new Set([...inSet(base), ...inSet(head)].map((m) => m.cluster));
  if (clusters.size < 2) return [];
  const before = new Map(clustersetLinks(inSet(base)).map((l) => [l.service, l]));
  const notes: string[] = [];
  for (const l of clustersetLinks(inSet(head))) {
    const was = before.get(l.service);
    // An importer reaches the Service through another environment's export (every exporting cluster also imports).
    const consumers = (link: ClustersetLink | undefined) =>
      (link?.importers ?? []).filter((i) => link!.exporters.some((x) => x !== i.environment));
    const then = consumers(was);
    const fresh = consumers(l).filter((i) => !then.some((t) => t.environment === i.environment));
    if (fresh.length)
      notes.push(
        `${l.service} (${l.address}), exported by ${l.exporters.join(", ")}, becomes reachable from ${fresh.map((i) => `${i.environment} (ServiceImport at ${i.file}:${i.line})`).join(", ")}.`,
      );
    if (!l.exporters.length && l.importers.length) {
      const lost = was?.exporters.length ? ` (exported before by ${was.exporters.join(", ")})` : "";
      notes.push(
        `${l.service} (${l.address}) is imported by ${l.importers.map((i) => i.environment).join(", ")} but exported by no environment of this repository${lost}: it must come from a cluster deployed elsewhere.`,
      );
    }
  }
  return notes;
}
