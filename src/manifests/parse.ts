// Turns the text of one manifest file into Kubernetes objects with their positions, reading YAML the
// way Kubernetes does (YAML 1.1 scalars, duplicate keys rejected, JSON as JSON), and turning every
// problem into a diagnostic instead of an exception.
import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  visit,
  type CST,
  type Document,
  type Node as YamlNode,
  type YAMLError,
} from "yaml";
import { Diagnostics } from "./diagnostics.js";

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

export const DEFAULT_MAX_ALIAS_COUNT = 10_000;
export const DEFAULT_MAX_DEPTH = 256;
export const DEFAULT_MAX_DOCUMENTS = 10_000;

// YAML 1.1 as go-yaml v2 reads it: booleans (yes/no/on/off), octal 0755, but no sexagesimal numbers and
// no timestamps (Kubernetes turns YAML into JSON, where a date stays a string). go-yaml knows no !!set,
// !!omap or !!pairs either: they read as the plain mapping or list they are written as (JSON has no
// other). !!binary is base64 that go-yaml decodes to a string.
const dropTags = new Set([
  "tag:yaml.org,2002:timestamp",
  "tag:yaml.org,2002:set",
  "tag:yaml.org,2002:omap",
  "tag:yaml.org,2002:pairs",
  "tag:yaml.org,2002:binary",
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const binaryAsString = {
  tag: "tag:yaml.org,2002:binary",
  default: false,
  resolve(src: string, onError: (message: string) => void): string {
    const b64 = src.replace(/\s+/g, "");
    if (!BASE64.test(b64)) {
      onError("!!binary value contains invalid base64 data");
      return src;
    }
    return new TextDecoder("utf-8").decode(Buffer.from(b64, "base64"));
  },
};

// Numbers as go-yaml v2 resolves a plain scalar (sigs.k8s.io/yaml, which Kubernetes and kubectl use to
// turn YAML into JSON; kustomize's go-yaml v3 agrees on these): only a scalar that starts with a digit,
// a sign or a dot can be a number. With a digit or sign, the underscores are dropped, then Go's
// strconv.ParseInt with base 0 is tried (0x hex, 0o and leading-0 octal, 0b binary), then a float
// that has digits where YAML needs them. With a dot, only a decimal float (.5, .5e3). So e7973912,
// E5, e2 and .e3 are strings (a git SHA as a label value stays a string), where the yaml package's
// YAML 1.1 schema reads them as NaN.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const GO_DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

/** What go-yaml v2 makes of a plain scalar as a number: "int", "float", or null (not a number). */
function goNumber(src: string): "int" | "float" | null {
  const first = src.charCodeAt(0);
  if (first === 46 /* . */) return GO_DOT_FLOAT.test(src) ? "float" : null;
  if (!(first === 43 || first === 45 || (first >= 48 && first <= 57))) return null;
  const plain = src.replaceAll("_", "");
  return GO_INT.test(plain) ? "int" : GO_FLOAT.test(plain) ? "float" : null;
}

function goInt(src: string): number {
  const plain = src.replaceAll("_", "");
  const negative = plain.startsWith("-");
  const digits = /^[-+]/.test(plain) ? plain.slice(1) : plain;
  const [base, body] = /^0[xX]/.test(digits)
    ? [16, digits.slice(2)]
    : /^0[bB]/.test(digits)
      ? [2, digits.slice(2)]
      : /^0[oO]/.test(digits)
        ? [8, digits.slice(2)]
        : /^0[0-7]/.test(digits)
          ? [8, digits.slice(1)]
          : [10, digits];
  const n = Number.parseInt(body, base);
  return negative ? -n : n;
}

// The test of these tags is go-yaml's decision itself (the yaml package asks a tag's test for test()).
const goIntTag = {
  identify: (v: unknown) => typeof v === "number" && Number.isInteger(v),
  default: true,
  tag: "tag:yaml.org,2002:int",
  test: { test: (src: string) => goNumber(src) === "int" },
  resolve: goInt,
};
const goFloatTag = {
  identify: (v: unknown) => typeof v === "number",
  default: true,
  tag: "tag:yaml.org,2002:float",
  test: { test: (src: string) => goNumber(src) === "float" },
  resolve: (src: string) => Number.parseFloat(src.replaceAll("_", "")),
};
const NUMBER_TAGS = new Set(["tag:yaml.org,2002:int", "tag:yaml.org,2002:float"]);

function kubernetesYaml11Tags(tags: unknown[]): unknown[] {
  const kept = tags.filter((t) => {
    const tag = t as { tag?: string; format?: string; test?: RegExp };
    if (tag.tag && NUMBER_TAGS.has(tag.tag))
      // .inf and .nan stay the yaml package's; every other number is go-yaml's decision.
      return tag.test?.test(".nan") === true;
    return !(tag.tag && dropTags.has(tag.tag)) && tag.format !== "TIME";
  });
  return [...kept, goIntTag, goFloatTag, binaryAsString];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** 1-based line of a character offset of one chunk of the file. */
type LineAt = (offset: number) => number;

/**
 * The lines of one document's fields, for lineOf: its syntax tree is some fifty times the size of its
 * text and is not kept, so while it exists (once, when the document is read) the line of every key and
 * item is written down here, in one flat array per mapping or list:
 * a mapping is [MAP, key, key line, value line, value's index, key, ...], a list is
 * [SEQ, item line, item's index, ...]; a line is -1 where the node has none, an index null where the
 * value is no mapping or list. Lookups follow the yaml package's own (Document.getIn).
 */
type LineIndex = unknown[];
const MAP = 0;
const SEQ = 1;
/** The key of a pair whose key is not a scalar (an alias): an object, equal to no path step (and still one when copied to another thread). */
const NOT_A_SCALAR = Object.freeze({ notAScalar: true });
const isScalarKey = (key: unknown) => typeof key !== "object" || key === null;

function lineIndex(node: unknown, lineAt: (node: unknown) => number): LineIndex | null {
  if (isMap(node)) {
    const out: unknown[] = [MAP];
    for (const pair of node.items)
      out.push(
        isScalar(pair.key) ? pair.key.value : NOT_A_SCALAR,
        lineAt(pair.key),
        lineAt(pair.value),
        lineIndex(pair.value, lineAt),
      );
    return out;
  }
  if (isSeq(node)) {
    const out: unknown[] = [SEQ];
    for (const item of node.items) out.push(lineAt(item), lineIndex(item, lineAt));
    return out;
  }
  return null;
}

/** The index of the node at `path` below `index` (Collection.getIn: the first pair whose scalar key is the step; a list item by its index). */
function indexAt(index: LineIndex | null, path: Path): LineIndex | null {
  for (const step of path) {
    if (!index) return null;
    if (index[0] === MAP) {
      let next: LineIndex | null = null;
      for (let i = 1; i < index.length; i += 4)
        if (index[i] === step) {
          next = index[i + 3] as LineIndex | null;
          break;
        }
      index = next;
    } else {
      // asItemIndex: a number, or a string of one.
      const at = typeof step === "string" && step ? Number(step) : step;
      index =
        typeof at === "number" && Number.isInteger(at) && at >= 0 && 1 + 2 * at + 1 < index.length
          ? (index[1 + 2 * at + 1] as LineIndex | null)
          : null;
    }
  }
  return index;
}

/** What a Source is made of, for sources that cross threads (see toPortable). */
const parts = new WeakMap<Source, { readonly root: LineIndex | null; readonly base: Path }>();

function makeSource(file: string, root: LineIndex | null, base: Path, line: number): Source {
  const found = (n: unknown) => (typeof n === "number" && n >= 0 ? n : null);
  const source: Source = {
    file,
    line,
    lineOf(path: Path): number {
      if (!path.length) return line;
      // The line of the deepest field on the path that exists: of its key in a mapping (`ports:`,
      // where a reader looks, even when the value starts on the next line), of the item in a list.
      // A missing field is reported at the key of its parent.
      for (let n = path.length; n > 0; n--) {
        const parent = indexAt(root, [...base, ...path.slice(0, n - 1)]);
        const step = path[n - 1];
        if (parent?.[0] === MAP) {
          for (let i = 1; i < parent.length; i += 4) {
            const key = parent[i];
            if (key === step || (isScalarKey(key) && String(key) === String(step))) {
              const at = found(parent[i + 1]) ?? found(parent[i + 2]);
              if (at !== null) return at;
              break;
            }
          }
        } else if (parent?.[0] === SEQ && typeof step === "number") {
          const at = Number.isInteger(step) && step >= 0 ? found(parent[1 + 2 * step]) : null;
          if (at !== null) return at;
        }
      }
      return line;
    },
  };
  parts.set(source, { root, base });
  return source;
}

/** A parsed object as plain data (no functions), as a worker thread sends it back. */
export interface PortableObject {
  readonly data: Record<string, unknown>;
  readonly file: string;
  readonly line: number;
  readonly lines: LineIndex | null;
  readonly base: Path;
}

export function toPortable(o: RawObject): PortableObject {
  const p = parts.get(o.source);
  if (!p) throw new Error(`${o.source.file}: not an object of parseManifestText`);
  return { data: o.data, file: o.source.file, line: o.source.line, lines: p.root, base: p.base };
}

export function fromPortable(p: PortableObject): RawObject {
  return { data: p.data, source: makeSource(p.file, p.lines, p.base, p.line) };
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

/** Thrown by the token stream when a document nests deeper than allowed, at the offset reached. */
class TooDeep extends Error {
  constructor(readonly offset: number) {
    super("too deep");
  }
}

/**
 * The parser's tokens, refusing to go deeper than `maxStack` open collections. The yaml package
 * builds deep input recursively (a stack overflow) and its tokens for it in memory that grows faster
 * than the input (a 2 MB file of `[` takes over a gigabyte), so depth is checked while tokenising,
 * before either happens.
 */
function* guardedTokens(text: string, counter: LineCounter, maxStack: number): Generator<CST.Token> {
  const parser = new Parser(counter.addNewLine);
  counter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > maxStack) throw new TooDeep(parser.offset);
  }
  yield* parser.end();
}

/** The documents of a YAML (or JSON) text, built one at a time as they are read. */
function composeDocuments(
  text: string,
  json: boolean,
  counter: LineCounter,
  maxStack: number,
): Generator<Document.Parsed> {
  const composer = new Composer({
    version: json ? "1.2" : "1.1",
    schema: json ? "core" : "yaml-1.1",
    customTags: json ? undefined : (kubernetesYaml11Tags as never),
    uniqueKeys: true,
    merge: !json,
    strict: true,
  });
  return composer.compose(guardedTokens(text, counter, maxStack)) as Generator<Document.Parsed>;
}

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

/**
 * What go-yaml and Kubernetes' YAML-to-JSON step refuse but the yaml package reads: an alias inside
 * the value of its own anchor (`a: &x [*x]`, "anchor 'x' value contains itself", which would build a
 * value that contains itself), and a mapping key that is itself a mapping or list (JSON keys are strings).
 */
function unreadable(doc: Document): { message: string; offset: number } | null {
  const anchored = new Map<string, YamlNode>();
  let found: { message: string; offset: number } | null = null;
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key as YamlNode | null;
      if (isCollection(key) && key.range) {
        found = {
          message: "a mapping key is itself a mapping or list, which Kubernetes cannot read",
          offset: key.range[0],
        };
        return visit.BREAK;
      }
    },
    Node(_key, node) {
      if (isAlias(node)) {
        // The alias means the last node before it with that anchor (nodes are visited in order).
        const t = anchored.get(node.source)?.range;
        if (t && node.range && t[0] <= node.range[0] && node.range[1] <= t[2]) {
          found = {
            message: `the alias *${node.source} is inside the value of its own anchor &${node.source} (a value that contains itself)`,
            offset: node.range[0],
          };
          return visit.BREAK;
        }
      } else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  return found;
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
