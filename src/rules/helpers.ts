// Small shared reads for rules: how an exposure or a connection is named in a finding.
import type { Exposure } from "../analysis/exposure/index.js";
import type { ConnectionChange } from "../analysis/diff.js";
import type { ObjectChange } from "../analysis/object-diff.js";
import { describeAddresses } from "../report/addresses.js";

export function entryName(e: Exposure): string {
  const v = e.via;
  switch (v.kind) {
    case "LoadBalancer":
      return `LoadBalancer :${v.entryPort ?? e.port} of ${v.ref}`;
    case "NodePort":
      return `NodePort ${v.entryPort ? `:${v.entryPort}` : "(allocated port)"} of ${v.ref}`;
    case "ExternalIP":
      return `external IP :${v.entryPort ?? e.port} of ${v.ref}`;
    default:
      return `${v.kind} ${v.host ?? "*"}${v.path ?? ""} (${v.ref})`;
  }
}

export function peerName(c: ConnectionChange, side: "from" | "to"): string {
  const id = c[side];
  return id === "ip:" ? `outside ${describeAddresses(c.addresses ?? [])}` : id;
}

export function gained(c: ConnectionChange) {
  return c.head.subtract(c.base);
}

/** Where a connection change comes from: its first changed policy, else its first changed object. */
export function causeAt(c: { readonly causes: readonly ObjectChange[] }): { file?: string; line?: number } {
  const cause = c.causes.find((o) => o.kind.endsWith("NetworkPolicy")) ?? c.causes[0];
  return cause ? { file: cause.file, line: cause.line } : {};
}
