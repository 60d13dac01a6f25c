// A YAML stream read as documents: split at its markers (so that one broken document does not swallow
// the rest), and composed with Kubernetes' scalars under a nesting limit (a stack the parser never grows past).
import {
  Composer,
  type CST,
  type Document,
  isCollection,
  isScalar,
  Lexer,
  type LineCounter,
  Parser,
  visit,
  type Node as YamlNode,
  type YAMLError,
} from "yaml";
import { kubernetesYaml11Tags } from "./kubernetes-yaml.js";

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
export function unclosedStart(doc: Document, error: YAMLError): number | null {
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
export class TooDeep extends Error {
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
export function composeDocuments(
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
