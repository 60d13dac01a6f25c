// Turns the text of one manifest file into Kubernetes objects with their positions, reading YAML the
// way Kubernetes does (YAML 1.1 scalars, duplicate keys rejected, JSON as JSON), and turning every
// problem into a diagnostic instead of an exception.
import { isCollection, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node as YamlNode, type YAMLError } from "yaml";
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
  /**
   * Upper bound on alias expansion per document ("billion laughs" protection), counted as the yaml
   * package counts it (uses of an anchor times the aliases inside it). Real manifests that reuse one
   * anchor a few hundred times stay well below the default; an exponential bomb passes it at once.
   */
  readonly maxAliasCount?: number;
}

export const DEFAULT_MAX_ALIAS_COUNT = 10_000;

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

/** 1-based line of a character offset of one chunk of the file. */
type LineAt = (offset: number) => number;

function makeSource(file: string, doc: Document, lineOfOffset: LineAt, base: Path, fallbackLine: number): Source {
  const lineAt = (node: unknown): number | null => {
    const range = (node as YamlNode | null | undefined)?.range;
    return range ? lineOfOffset(range[0]) : null;
  };
  const line = lineAt(base.length ? doc.getIn(base, true) : doc.contents) ?? fallbackLine;
  return {
    file,
    line,
    lineOf(path: Path): number {
      // The line of the deepest field on the path that exists: of its key in a mapping (`ports:`,
      // where a reader looks, even when the value starts on the next line), of the item in a list.
      // A missing field is reported at the key of its parent.
      for (let n = path.length; n > 0; n--) {
        const parent = doc.getIn([...base, ...path.slice(0, n - 1)], true);
        const step = path[n - 1];
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step || (isScalar(p.key) && String(p.key.value) === String(step)));
          const at = pair ? (lineAt(pair.key) ?? lineAt(pair.value)) : null;
          if (at !== null) return at;
        } else if (isSeq(parent) && typeof step === "number") {
          const at = lineAt(parent.items[step]);
          if (at !== null) return at;
        }
      }
      return line;
    },
  };
}

/**
 * Splits a YAML stream at its document markers (`---` or `...` at the start of a line, which the YAML
 * spec forbids inside any scalar), so that a document the parser cannot close (an unterminated quote
 * runs to the end of the input) does not swallow the documents after it. Directive lines (`%YAML`)
 * go with the document that follows them.
 */
export function splitYamlStream(text: string): { text: string; offset: number; line: number }[] {
  const chunks: { text: string; offset: number; line: number }[] = [];
  let start = 0;
  let startLine = 0;
  let pendingDirective = -1; // offset of the first of the directive lines just before a marker
  let pendingDirectiveLine = 0;
  let offset = 0;
  let line = 0;
  while (offset <= text.length) {
    const nl = text.indexOf("\n", offset);
    const end = nl < 0 ? text.length : nl + 1;
    const content = text.slice(offset, end);
    if (/^---(?:[ \t\r\n]|$)/.test(content) && offset > start) {
      const cut = pendingDirective >= 0 ? pendingDirective : offset;
      chunks.push({ text: text.slice(start, cut), offset: start, line: startLine });
      start = cut;
      startLine = pendingDirective >= 0 ? pendingDirectiveLine : line;
    }
    if (content.startsWith("%")) {
      if (pendingDirective < 0) {
        pendingDirective = offset;
        pendingDirectiveLine = line;
      }
    } else pendingDirective = -1;
    if (nl < 0) break;
    offset = end;
    line++;
  }
  chunks.push({ text: text.slice(start), offset: start, line: startLine });
  return chunks;
}

/**
 * Where a construct the parser could not close began (a quoted scalar or a flow collection that runs
 * to the end of the document): the end of input is a useless place to send a reader to.
 */
function unclosedStart(doc: Document, error: YAMLError): number | null {
  const wantQuote = error.code === "MISSING_CHAR" && /quote/.test(error.message);
  const wantFlow = error.code === "BAD_INDENT" && /^Flow (sequence|map)/.test(error.message);
  if (!wantQuote && !wantFlow) return null;
  let found: number | null = null;
  visit(doc, (_key, node) => {
    const range = (node as YamlNode | null)?.range; // visit also passes the null value of an empty pair
    if (!range || range[1] !== error.pos[0]) return;
    const hit = wantQuote
      ? isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE")
      : isCollection(node) && node.flow;
    // The innermost quote; the outermost unclosed flow collection.
    if (hit && (found === null || (wantQuote ? range[0] > found : range[0] < found))) found = range[0];
  });
  return found;
}

interface ParsedStream {
  readonly docs: Document.Parsed[];
  readonly lineOfOffset: LineAt;
  readonly lineBase: number;
}

function parseStream(text: string, lineBase: number, isJson: boolean): ParsedStream | Error {
  const counter = new LineCounter();
  try {
    const docs = parseAllDocuments(text, {
      lineCounter: counter,
      version: isJson ? "1.2" : "1.1",
      schema: isJson ? "core" : "yaml-1.1",
      customTags: isJson ? undefined : (kubernetesYaml11Tags as never),
      uniqueKeys: true,
      merge: !isJson,
      prettyErrors: false,
      strict: true,
    }) as Document.Parsed[] | Document.Parsed;
    return { docs: Array.isArray(docs) ? docs : [docs], lineOfOffset: (offset) => counter.linePos(offset).line + lineBase, lineBase };
  } catch (e) {
    return e as Error;
  }
}

/** Parses one file's text. Objects of `kind: List` (and `*List`) are flattened into their items. */
export function parseManifestText(file: string, text: string, diagnostics: Diagnostics, options: ParseOptions = {}): RawObject[] {
  const isJson = file.toLowerCase().endsWith(".json");
  // A byte order mark may open the file and, in a stream of concatenated files, any document.
  if (text.includes("\uFEFF")) text = text.replace(/(^|\n)\uFEFF/g, "$1");
  const out: RawObject[] = [];
  const whole = parseStream(text, 0, isJson);
  if (isJson || (!(whole instanceof Error) && whole.docs.every((d) => d.errors.length === 0))) {
    emitDocuments(file, whole, diagnostics, options, out);
    return out;
  }
  // A broken YAML stream is read again one marked document at a time, so that a document the parser
  // cannot close (an unterminated quote runs to the end of the input) does not swallow the ones after it.
  for (const chunk of splitYamlStream(text)) emitDocuments(file, parseStream(chunk.text, chunk.line, false), diagnostics, options, out);
  return out;
}

function emitDocuments(file: string, stream: ParsedStream | Error, diagnostics: Diagnostics, options: ParseOptions, out: RawObject[]): void {
  if (stream instanceof Error) {
    diagnostics.error(file, 0, `cannot parse: ${stream.message}`);
    return;
  }
  const { docs, lineOfOffset, lineBase } = stream;
  const isJson = file.toLowerCase().endsWith(".json");
  for (const doc of docs) {
    const docLine = doc.range ? lineOfOffset(doc.range[0]) : lineBase + 1;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const opened = unclosedStart(doc, err);
      const line = lineOfOffset(opened ?? err.pos[0]);
      const message = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      const where = opened !== null ? ` (it begins here and is never closed)` : "";
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more problems)` : "";
      diagnostics.error(file, line, `invalid ${isJson ? "JSON" : "YAML"}: ${message}${where}${more}; this document is skipped`);
      continue;
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT });
    } catch (e) {
      const message = (e as Error).message;
      const why = /alias/i.test(message) ? `too many alias expansions (over ${options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT}; a "billion laughs" document?)` : message;
      diagnostics.error(file, docLine, `cannot read document: ${why}; this document is skipped`);
      continue;
    }
    if (data === null || data === undefined) continue; // an empty document, as between two `---`
    const contentLine = doc.contents?.range ? lineOfOffset(doc.contents.range[0]) : docLine;
    if (!isMapping(data)) {
      diagnostics.error(file, contentLine, `a manifest must be a mapping with apiVersion, kind and metadata, found ${Array.isArray(data) ? "a list" : `a ${typeof data}`}; this document is skipped`);
      continue;
    }
    const kind = data.kind;
    if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(data.items)) {
      const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
      data.items.forEach((item, i) => {
        const source = makeSource(file, doc, lineOfOffset, ["items", i], contentLine);
        if (!isMapping(item)) {
          diagnostics.error(file, source.line, `item ${i} of ${kind} is not a mapping; it is skipped`);
          return;
        }
        // Items of a typed list (PodList, ...), as the API returns them, leave out kind and apiVersion.
        if (itemKind) {
          if (item.kind === undefined) item.kind = itemKind;
          if (item.apiVersion === undefined && typeof data.apiVersion === "string") item.apiVersion = data.apiVersion;
        }
        out.push({ data: item, source });
      });
      continue;
    }
    out.push({ data, source: makeSource(file, doc, lineOfOffset, [], contentLine) });
  }
}
