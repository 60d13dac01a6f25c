// Turns the text of one manifest file into Kubernetes objects with their positions, reading YAML the
// way Kubernetes does (YAML 1.1 scalars, duplicate keys rejected, JSON as JSON), and turning every
// problem into a diagnostic instead of an exception. The stream is split and composed in
// yaml-stream.ts, scalars read as Kubernetes reads them in kubernetes-yaml.ts, and each object's
// positions kept in line-index.ts.
import { type Document, isMap, isScalar, LineCounter, type Node as YamlNode } from "yaml";
import { Diagnostics } from "./diagnostics.js";
import { lineIndex, makeSource } from "./line-index.js";
import { unreadable } from "./kubernetes-yaml.js";
import { composeDocuments, splitYamlStream, TooDeep, unclosedStart } from "./yaml-stream.js";

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
  /**
   * Documents nested deeper than this (mappings and lists inside each other) are reported and skipped
   * before they are built, so that a hostile document cannot exhaust the stack or the memory. Real
   * manifests, CRD schemas included, stay far below it.
   */
  readonly maxDepth?: number;
  /** A YAML file with more documents than this is reported and not read (counted from its `---` markers, before parsing). */
  readonly maxDocuments?: number;
}

const DEFAULT_MAX_ALIAS_COUNT = 10_000;
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_DOCUMENTS = 10_000;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** 1-based line of a character offset of one chunk of the file. */
type LineAt = (offset: number) => number;

/** What reading one chunk produced, kept apart until it is known whether the chunk is read whole. */
interface ChunkResult {
  readonly objects: RawObject[];
  readonly diagnostics: Diagnostics;
  /** A document the parser could not read (invalid YAML) or that nests too deep. */
  readonly broken: boolean;
}

/** Reads the documents of one chunk; with `stopWhenBroken`, stops at the first that cannot be parsed (the chunk will be read again in parts). */
function readChunk(
  file: string,
  text: string,
  lineBase: number,
  json: boolean,
  options: ParseOptions,
  stopWhenBroken = false,
): ChunkResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  // A depth of n collections is n + 1 entries on the parser's stack (the document is one).
  const maxStack = maxDepth + 1;
  const counter = new LineCounter();
  const lineOfOffset: LineAt = (offset) => counter.linePos(offset).line + lineBase;
  const out: RawObject[] = [];
  const diagnostics = new Diagnostics();
  let broken = false;
  try {
    const chunk: ChunkText = { text, lineOfOffset, json };
    for (const doc of composeDocuments(text, json, counter, maxStack)) {
      if (!emitDocument(file, doc, chunk, options, diagnostics, out)) broken = true;
      if (broken && stopWhenBroken) break;
    }
  } catch (e) {
    broken = true;
    if (e instanceof TooDeep) {
      diagnostics.error(
        file,
        lineOfOffset(e.offset),
        `nested more than ${maxDepth} levels deep (mappings and lists inside each other); this document is skipped`,
      );
    } else {
      diagnostics.error(file, lineBase, `cannot parse: ${(e as Error).message}`);
    }
  }
  return { objects: out, diagnostics, broken };
}

function commit(result: ChunkResult, diagnostics: Diagnostics, out: RawObject[]): void {
  for (const d of result.diagnostics.items) diagnostics.add(d);
  out.push(...result.objects);
}

/** Where JSON.parse stops on the text, or null when it is JSON (or blank). */
function jsonSyntaxError(text: string): { line: number; message: string } | null {
  if (text.trim() === "") return null;
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split("\n").length : 0;
    return { line, message: message.replace(/ in JSON at position .*$/, "").replace(/^JSON\.parse: /, "") };
  }
}

/** Parses one file's text. Objects of `kind: List` (and `*List`) are flattened into their items. */
export function parseManifestText(
  file: string,
  text: string,
  diagnostics: Diagnostics,
  options: ParseOptions = {},
): RawObject[] {
  const isJson = file.toLowerCase().endsWith(".json");
  // A byte order mark may open the file and, in a stream of concatenated files, any document.
  if (text.includes("\uFEFF")) text = text.replace(/(^|\n)\uFEFF/g, "$1");
  const out: RawObject[] = [];
  if (isJson) {
    // The yaml package reads JSON as YAML's flow style, which lets trailing commas, comments and
    // unquoted keys pass; kubectl's JSON decoder does not.
    const problem = jsonSyntaxError(text);
    if (problem) {
      diagnostics.error(file, problem.line, `invalid JSON: ${problem.message}; this file is skipped`);
      return out;
    }
  } else {
    const maxDocuments = options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
    const marker = /^---(?=[ \t\r\n]|$)/gm;
    const documents = (text.match(marker)?.length ?? 0) + (/^---(?=[ \t\r\n]|$)/.test(text) ? 0 : 1);
    if (documents > maxDocuments) {
      diagnostics.error(
        file,
        0,
        `file holds ${documents} documents, over the limit of ${maxDocuments}; it is not read`,
      );
      return out;
    }
  }
  const whole = readChunk(file, text, 0, isJson, options, !isJson);
  if (isJson || !whole.broken) {
    commit(whole, diagnostics, out);
    return out;
  }
  // A broken YAML stream is read again one marked document at a time, so that a document the parser
  // cannot close (an unterminated quote runs to the end of the input) does not swallow the ones after it.
  for (const chunk of splitYamlStream(text))
    commit(readChunk(file, chunk.text, chunk.line, false, options), diagnostics, out);
  return out;
}

/** Reads one parsed document into `out`; false when the document itself could not be parsed. */
/** The text a document was read from, and how offsets in it become lines. */
interface ChunkText {
  readonly text: string;
  readonly lineOfOffset: LineAt;
  readonly json: boolean;
}

function emitDocument(
  file: string,
  doc: Document.Parsed,
  chunk: ChunkText,
  options: ParseOptions,
  diagnostics: Diagnostics,
  out: RawObject[],
): boolean {
  const { lineOfOffset, json: isJson } = chunk;
  const docLine = doc.range ? lineOfOffset(doc.range[0]) : lineOfOffset(0);
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    let opened: number | null = null;
    try {
      opened = unclosedStart(doc, err);
    } catch {
      // The search is only for a better line.
    }
    const line = lineOfOffset(opened ?? err.pos[0]);
    const first = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    const message = /call stack/i.test(first) ? "nested too deeply to read" : first;
    const where = opened !== null ? ` (it begins here and is never closed)` : "";
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more problems)` : "";
    diagnostics.error(
      file,
      line,
      `invalid ${isJson ? "JSON" : "YAML"}: ${message}${where}${more}; this document is skipped`,
    );
    return false;
  }
  const refused = unreadable(doc);
  if (refused) {
    diagnostics.error(
      file,
      lineOfOffset(refused.offset),
      `cannot read document: ${refused.message}; this document is skipped`,
    );
    return true;
  }
  let data: unknown;
  const maxAliasCount = options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  try {
    data = doc.toJS({ maxAliasCount });
  } catch (e) {
    const message = (e as Error).message;
    const why = /Excessive alias count/.test(message)
      ? `too many alias expansions (over ${maxAliasCount}; a "billion laughs" document?)`
      : /Unresolved alias/.test(message)
        ? `alias ${message.replace(/^.*: /, "*")} names no anchor defined before it`
        : /call stack/i.test(message)
          ? "nested too deeply to read"
          : message;
    diagnostics.error(file, docLine, `cannot read document: ${why}; this document is skipped`);
    return true;
  }
  if (data === null || data === undefined) return true; // an empty document, as between two `---`
  const contentLine = doc.contents?.range ? lineOfOffset(doc.contents.range[0]) : docLine;
  if (!isMapping(data)) {
    diagnostics.error(
      file,
      contentLine,
      `a manifest must be a mapping with apiVersion, kind and metadata, found ${Array.isArray(data) ? "a list" : `a ${typeof data}`}; this document is skipped`,
    );
    return true;
  }
  // The lines of its fields, for lines looked up later (the syntax tree is not kept).
  const ref = lineIndex(doc.contents, (node) => {
    const range = (node as YamlNode | null | undefined)?.range;
    return range ? lineOfOffset(range[0]) : -1;
  });
  const itemLine = (i: number) => {
    const item = (doc.getIn(["items", i], true) as YamlNode | undefined)?.range;
    return item ? lineOfOffset(item[0]) : contentLine;
  };
  const kind = data.kind;
  if (kind === "List" && (data.items === undefined || data.items === null)) return true; // an empty List
  if (kind === "List" && !Array.isArray(data.items)) {
    const at =
      doc.contents && isMap(doc.contents)
        ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "items")
        : undefined;
    const line = (at?.key as YamlNode | undefined)?.range ? lineOfOffset((at!.key as YamlNode).range![0]) : contentLine;
    diagnostics.error(
      file,
      line,
      `items of a List must be a list, found ${typeof data.items === "object" ? "a mapping" : `a ${typeof data.items}`}; this document is skipped`,
    );
    return true;
  }
  if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(data.items)) {
    const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
    data.items.forEach((item, i) => {
      const source = makeSource(file, ref, ["items", i], itemLine(i));
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
    return true;
  }
  out.push({ data, source: makeSource(file, ref, [], contentLine) });
  return true;
}
