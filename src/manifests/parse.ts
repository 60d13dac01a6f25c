// Turns the text of one manifest file into Kubernetes objects with their positions, reading YAML the
// way Kubernetes does (YAML 1.1 scalars, duplicate keys rejected, JSON as JSON), and turning every
// problem into a diagnostic instead of an exception.
import { LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from "yaml";
import type { Diagnostics } from "./diagnostics.js";

export type Path = readonly (string | number)[];

/** Where an object came from: its file, its line, and the line of any field inside it. */
export interface Source {
  readonly file: string;
  readonly line: number;
  lineOf(path: Path): number;
}

export interface RawObject {
  readonly data: Record<string, unknown>;
  readonly source: Source;
}

export interface ParseOptions {
  /** Upper bound on alias expansion per document ("billion laughs" protection). */
  readonly maxAliasCount?: number;
}

// YAML 1.1 as go-yaml v2 reads it: booleans (yes/no/on/off), octal 0755, but no sexagesimal numbers and
// no timestamps (Kubernetes turns YAML into JSON, where a date stays a string).
const dropTags = new Set(["tag:yaml.org,2002:timestamp"]);
function kubernetesYaml11Tags(tags: unknown[]): unknown[] {
  return tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return !(tag.tag && dropTags.has(tag.tag)) && tag.format !== "TIME";
  });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function makeSource(file: string, doc: Document, counter: LineCounter, base: Path, fallbackLine: number): Source {
  const lineAt = (node: YamlNode | null | undefined): number =>
    node && node.range ? counter.linePos(node.range[0]).line : fallbackLine;
  const line = lineAt(base.length ? (doc.getIn(base, true) as YamlNode) : (doc.contents as YamlNode));
  return {
    file,
    line,
    lineOf(path: Path): number {
      // The deepest existing node on the path: a missing field is reported at its parent.
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn([...base, ...path.slice(0, n)], true) as YamlNode | undefined;
        if (node && typeof node === "object" && "range" in node && node.range) return lineAt(node);
      }
      return line;
    },
  };
}

/** Parses one file's text. Objects of `kind: List` (and `*List`) are flattened into their items. */
export function parseManifestText(file: string, text: string, diagnostics: Diagnostics, options: ParseOptions = {}): RawObject[] {
  const counter = new LineCounter();
  const isJson = file.toLowerCase().endsWith(".json");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter: counter,
      version: isJson ? "1.2" : "1.1",
      schema: isJson ? "core" : "yaml-1.1",
      customTags: isJson ? undefined : (kubernetesYaml11Tags as never),
      uniqueKeys: true,
      merge: !isJson,
      prettyErrors: false,
      strict: true,
    }) as Document.Parsed[];
  } catch (e) {
    diagnostics.error(file, 0, `cannot parse: ${(e as Error).message}`);
    return [];
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  const out: RawObject[] = [];
  for (const doc of docs) {
    const docLine = doc.range ? counter.linePos(doc.range[0]).line : 1;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err.linePos?.[0]?.line ?? (err.pos ? counter.linePos(err.pos[0]).line : docLine);
      const message = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more problems)` : "";
      diagnostics.error(file, line, `invalid ${isJson ? "JSON" : "YAML"}: ${message}${more}; this document is skipped`);
      continue;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
    } catch (e) {
      diagnostics.error(file, docLine, `cannot read document: ${(e as Error).message}; this document is skipped`);
      continue;
    }
    if (data === null || data === undefined) continue; // an empty document, as between two `---`
    const contentLine = doc.contents?.range ? counter.linePos(doc.contents.range[0]).line : docLine;
    if (!isMapping(data)) {
      diagnostics.error(file, contentLine, `a manifest must be a mapping with apiVersion, kind and metadata, found ${Array.isArray(data) ? "a list" : `a ${typeof data}`}; this document is skipped`);
      continue;
    }
    const kind = data.kind;
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(data.items)) {
      const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
      data.items.forEach((item, i) => {
        const source = makeSource(file, doc, counter, ["items", i], contentLine);
        if (!isMapping(item)) {
          diagnostics.error(file, source.line, `item ${i} of ${kind} is not a mapping; it is skipped`);
          return;
        }
        // Items of a typed list (PodList, ...) may leave their kind out.
        if (item.kind === undefined && itemKind) item.kind = itemKind;
        out.push({ data: item, source });
      });
      continue;
    }
    out.push({ data, source: makeSource(file, doc, counter, [], contentLine) });
  }
  return out;
}
