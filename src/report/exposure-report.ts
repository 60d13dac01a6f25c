// Renders the external exposure of one snapshot: the fixed JSON shape and a text form for people,
// one line per exposure (entry -> Service port -> workload and pod port), then what policy blocks and
// what is broken.
import type { Exposure, ExposureResult } from "../analysis/exposure/index.js";
import type { Diagnostic } from "../manifests/diagnostics.js";

export function exposureJson(result: ExposureResult, diagnostics: readonly Diagnostic[]): object {
  return { exposures: result.exposures, broken: result.broken, diagnostics: [...diagnostics, ...result.diagnostics] };
}

/** The entry part of a line: `LoadBalancer :443`, `Ingress shop/Ingress/web https://shop.example.com/api`, ... */
function entryText(e: Exposure): string {
  const v = e.via;
  const port = v.entryPort !== undefined ? `:${v.entryPort}` : ":<allocated>";
  switch (v.kind) {
    case "LoadBalancer":
      return `LoadBalancer${v.internal ? " (internal)" : ""} ${port}`;
    case "NodePort":
      return `NodePort ${port}`;
    case "ExternalIP":
      return `ExternalIP ${v.host ?? ""}${port}`;
    case "HostPort":
    case "HostNetwork":
      return `${v.kind}${v.internal ? " (internal)" : ""} ${v.host ?? ""}${port} on the nodes (${v.ref})`;
    case "ServiceExport":
      return `ServiceExport ${v.host ?? ""}${port} to the clusterset (${v.ref})`;
    default: {
      const scheme = v.tls ? "https" : "http";
      const url = `${scheme}://${v.host ?? "*"}${v.entryPort !== undefined && v.entryPort !== (v.tls ? 443 : 80) ? `:${v.entryPort}` : ""}${v.path ?? ""}`;
      const where = v.kind === "Gateway" ? `${v.listener} ${port} ${v.host ?? "*"} via ${v.ref}` : `${v.ref} ${url}`;
      return `${v.kind}${v.internal ? " (internal)" : ""} ${where}`;
    }
  }
}

export function exposureLine(e: Exposure): string {
  const service = e.via.service
    ? ` -> ${e.via.service}${e.via.servicePort !== undefined ? ` :${e.via.servicePort}` : ""}`
    : "";
  return `${entryText(e)} (${e.sources.join(", ")})${service} -> ${e.workload} ${e.protocol} ${e.port}`;
}

/** The exposure for people; problems in the input are said once, by the caller (on stderr). */
export function exposureText(result: ExposureResult): string {
  const open = result.exposures.filter((e) => e.blockedBy === null);
  const blocked = result.exposures.filter((e) => e.blockedBy !== null);
  const lines: string[] = [];
  const withNotes = (e: Exposure, suffix = "") => {
    lines.push(`  ${exposureLine(e)}${suffix}`);
    if (e.via.matches?.length && e.via.kind === "Gateway") lines.push(`      matches: ${e.via.matches.join(" | ")}`);
    for (const n of e.notes) lines.push(`      - ${n}`);
  };
  lines.push(`Exposed (${open.length}):`);
  if (!open.length) lines.push("  (nothing reaches a pod from outside the cluster)");
  for (const e of open) withNotes(e);
  if (blocked.length) {
    lines.push("", `Blocked by policy (${blocked.length}):`);
    for (const e of blocked) withNotes(e, `  [blocked by ${e.blockedBy}]`);
  }
  if (result.broken.length) {
    lines.push("", `Broken (${result.broken.length}):`);
    for (const b of result.broken) lines.push(`  ${b.ref}: ${b.reason} (${b.file}:${b.line})`);
  }
  return `${lines.join("\n")}\n`;
}
