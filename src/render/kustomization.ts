// Reads a kustomization file for what rendering needs to know before running the tool: which other
// kustomizations it includes, which files it names, and which references are remote.
import { parseDocument } from "yaml";
import { posix } from "node:path";
import { resolveIn } from "./tree.js";

export const KUSTOMIZATION_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** Fields whose entries are other kustomizations (folders) or resource files. */
const INCLUDING_FIELDS = ["resources", "bases", "components"] as const;

export interface Reference {
  readonly field: string;
  readonly value: string;
}

export interface Kustomization {
  /** Folder of the kustomization, relative to the tree. */
  readonly dir: string;
  /** Path of the kustomization file. */
  readonly file: string;
  readonly isComponent: boolean;
  /** Entries of resources, bases and components. */
  readonly references: readonly Reference[];
  /** Every string in the file that could name a file (patch paths, generator sources, ...). */
  readonly strings: readonly string[];
  /** Set when the file is not valid YAML (kustomize will say what is wrong). */
  readonly invalid: boolean;
}

/**
 * Whether a reference is fetched from elsewhere: a URL (https://, git::, ssh://, file://), an scp-like
 * git address, or a host path such as github.com/org/repo//dir?ref=v1, as kustomize reads them.
 */
export function isRemoteReference(value: string): boolean {
  const v = value.trim();
  return (
    /^[a-z][a-z0-9+.-]*::/i.test(v) ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ||
    /^[\w.-]+@[\w.-]+:/.test(v) ||
    /\?(.*&)?(ref|version|submodules|timeout)=/.test(v) ||
    /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?\//i.test(v) ||
    /\.git(\/\/|\/|$)/.test(v) ||
    /^[^/]+\/\/|[^:]\/\/[^/]/.test(v)
  );
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) collectStrings(v, out);
}

export function readKustomization(dir: string, file: string, text: string): Kustomization {
  const doc = parseDocument(text, { strict: false, uniqueKeys: false });
  const data = doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: 1000 }) as unknown);
  const map = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const references: Reference[] = [];
  for (const field of INCLUDING_FIELDS) {
    const list = map[field];
    if (Array.isArray(list)) for (const v of list) if (typeof v === "string") references.push({ field, value: v });
  }
  const strings: string[] = [];
  collectStrings(map, strings);
  return { dir, file, isComponent: map.kind === "Component", references, strings, invalid: doc.errors.length > 0 };
}

/** The file a generator or patch entry names: `key=path` and `path` forms. */
export function namedFiles(k: Kustomization): string[] {
  const out = new Set<string>();
  for (const s of k.strings) {
    if (s.includes("\n") || s.length > 1024) continue; // inline patches and literals
    for (const candidate of [s, s.includes("=") ? s.slice(s.indexOf("=") + 1) : ""]) {
      if (!candidate) continue;
      const p = resolveIn(k.dir, candidate);
      if (p !== null && p !== "") out.add(p);
    }
  }
  return [...out];
}

/** The folder a kustomization file is in. */
export const folderOf = (file: string): string => {
  const d = posix.dirname(file);
  return d === "." ? "" : d;
};
