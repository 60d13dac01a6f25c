// TEMPORARY mirror of the Exposure types that src/analysis/exposure.ts will export; replaced by
// imports from exposure.js once it lands.
import type { Protocol } from "../core/port-set.js";
export type EntryKind = "LoadBalancer" | "NodePort" | "ExternalIP" | "Ingress" | "Gateway" | "Route";
export interface Exposure {
  workload: string;
  protocol: Protocol;
  port: number;
  via: { kind: EntryKind; ref: string; service?: string; entryPort?: number; host?: string; path?: string; listener?: string; tls?: boolean; internal?: boolean; matches?: string[] };
  sources: string[];
  blockedBy: string | null;
  file: string;
  line: number;
  notes: string[];
}
export interface BrokenRoute { ref: string; reason: string; file: string; line: number }
