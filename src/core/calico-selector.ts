// Calico's selector language (projectcalico.org/v3 `selector`, `namespaceSelector`, `serviceAccountSelector`),
// parsed into a small expression tree by a recursive-descent parser and matched against labels.
// Grammar, per docs.tigera.io/calico/latest/reference/resources/networkpolicy ("Selectors"):
//   or      := and ('||' and)*
//   and     := unary ('&&' unary)*
//   unary   := '!' unary | '(' or ')' | 'all()' | 'global()' | 'has(' key ')'
//            | key ('==' | '!=') string | key ('in' | 'not in') '{' string (',' string)* '}'
//            | key ('contains' | 'starts with' | 'ends with') string
// `!` binds tighter than `&&`, which binds tighter than `||`. `k != 'v'` and `k not in {...}` also match a
// missing label. An empty selector selects everything (all()).
import type { Labels } from "./label-selector.js";

export type CalicoSelector =
  | { readonly op: "all" }
  | { readonly op: "global" }
  | { readonly op: "has"; readonly key: string }
  | { readonly op: "eq" | "ne" | "contains" | "starts" | "ends"; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: readonly string[] }
  | { readonly op: "not"; readonly arg: CalicoSelector }
  | { readonly op: "and" | "or"; readonly args: readonly CalicoSelector[] };

export class CalicoSelectorError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

type Token =
  | { readonly t: "str"; readonly v: string; readonly at: number }
  | { readonly t: "word"; readonly v: string; readonly at: number }
  | { readonly t: "sym"; readonly v: string; readonly at: number }
  | { readonly t: "end"; readonly at: number };

const SYMBOLS = ["==", "!=", "&&", "||", "!", "(", ")", "{", "}", ","];
// Label keys (with a DNS prefix and '/'), and the keywords all, global, has, in, not, contains, starts, with, ends.
const WORD = /[A-Za-z0-9_./-]/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new CalicoSelectorError(`unterminated string starting at column ${i + 1}`, i + 1);
      out.push({ t: "str", v: text.slice(i + 1, end), at: i + 1 });
      i = end + 1;
      continue;
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym) {
      out.push({ t: "sym", v: sym, at: i + 1 });
      i += sym.length;
      continue;
    }
    if (WORD.test(c)) {
      let j = i;
      while (j < text.length && WORD.test(text[j])) j++;
      out.push({ t: "word", v: text.slice(i, j), at: i + 1 });
      i = j;
      continue;
    }
    throw new CalicoSelectorError(`unexpected ${JSON.stringify(c)} at column ${i + 1}`, i + 1);
  }
  out.push({ t: "end", at: text.length + 1 });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    return this.tokens[this.i++];
  }
  /** The text of the next token (a word or symbol), consumed. */
  private take(): string {
    const t = this.next();
    return t.t === "end" ? "" : t.v;
  }
  private isSym(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === "sym" && t.v === v;
  }
  private isWord(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === "word" && t.v === v;
  }
  private fail(what: string): never {
    const t = this.peek();
    const found = t.t === "end" ? "the end" : JSON.stringify(t.v);
    throw new CalicoSelectorError(`expected ${what} at column ${t.at}, found ${found}`, t.at);
  }
  private expectSym(v: string): void {
    if (!this.isSym(v)) this.fail(`'${v}'`);
    this.i++;
  }
  private string(): string {
    const t = this.peek();
    if (t.t !== "str") this.fail("a quoted string");
    this.i++;
    return t.v;
  }

  parse(): CalicoSelector {
    if (this.peek().t === "end") return { op: "all" };
    const e = this.or();
    if (this.peek().t !== "end") this.fail("'&&', '||' or the end");
    return e;
  }

  private or(): CalicoSelector {
    const args = [this.and()];
    while (this.isSym("||")) {
      this.i++;
      args.push(this.and());
    }
    return args.length === 1 ? args[0] : { op: "or", args };
  }

  private and(): CalicoSelector {
    const args = [this.unary()];
    while (this.isSym("&&")) {
      this.i++;
      args.push(this.unary());
    }
    return args.length === 1 ? args[0] : { op: "and", args };
  }

  private unary(): CalicoSelector {
    if (this.isSym("!")) {
      this.i++;
      return { op: "not", arg: this.unary() };
    }
    if (this.isSym("(")) {
      this.i++;
      const e = this.or();
      this.expectSym(")");
      return e;
    }
    const t = this.peek();
    if (t.t !== "word") this.fail("a label key, has(), all(), global(), '!' or '('");
    if ((t.v === "all" || t.v === "global") && this.isSym("(", 1)) {
      this.i += 2;
      this.expectSym(")");
      return { op: t.v };
    }
    if (t.v === "has" && this.isSym("(", 1)) {
      this.i += 2;
      const key = this.next();
      if (key.t !== "word") {
        this.i--;
        this.fail("a label key");
      }
      this.expectSym(")");
      return { op: "has", key: key.v };
    }
    this.i++;
    const key = t.v;
    if (this.isSym("==") || this.isSym("!=")) {
      const op = this.take() === "==" ? "eq" : "ne";
      return { op, key, value: this.string() };
    }
    if (this.isWord("in")) {
      this.i++;
      return { op: "in", key, values: this.set() };
    }
    if (this.isWord("not") && this.isWord("in", 1)) {
      this.i += 2;
      return { op: "notin", key, values: this.set() };
    }
    if (this.isWord("contains")) {
      this.i++;
      return { op: "contains", key, value: this.string() };
    }
    if ((this.isWord("starts") || this.isWord("ends")) && this.isWord("with", 1)) {
      const op = this.take() === "starts" ? "starts" : "ends";
      this.i++;
      return { op, key, value: this.string() };
    }
    return this.fail(`'==', '!=', 'in', 'not in', 'contains', 'starts with' or 'ends with' after ${key}`);
  }

  private set(): string[] {
    this.expectSym("{");
    const values: string[] = [];
    if (this.isSym("}")) {
      this.i++;
      return values;
    }
    values.push(this.string());
    while (this.isSym(",")) {
      this.i++;
      values.push(this.string());
    }
    this.expectSym("}");
    return values;
  }
}

/** Parse a Calico selector; throws CalicoSelectorError naming the column of the first problem. */
export function parseCalicoSelector(text: string): CalicoSelector {
  return new Parser(tokenize(text)).parse();
}

/**
 * Whether the labels match. `global()` matches only non-namespaced endpoints (host endpoints, global network
 * sets): `namespaced` says whether the labels belong to something in a namespace (pods and namespaces do).
 */
export function calicoMatches(selector: CalicoSelector, labels: Labels, namespaced = true): boolean {
  switch (selector.op) {
    case "all":
      return true;
    case "global":
      return !namespaced;
    case "has":
      return Object.hasOwn(labels, selector.key);
    case "eq":
      return Object.hasOwn(labels, selector.key) && labels[selector.key] === selector.value;
    case "ne":
      return !Object.hasOwn(labels, selector.key) || labels[selector.key] !== selector.value;
    case "in":
      return Object.hasOwn(labels, selector.key) && selector.values.includes(labels[selector.key]);
    case "notin":
      return !Object.hasOwn(labels, selector.key) || !selector.values.includes(labels[selector.key]);
    case "contains":
      return Object.hasOwn(labels, selector.key) && labels[selector.key].includes(selector.value);
    case "starts":
      return Object.hasOwn(labels, selector.key) && labels[selector.key].startsWith(selector.value);
    case "ends":
      return Object.hasOwn(labels, selector.key) && labels[selector.key].endsWith(selector.value);
    case "not":
      return !calicoMatches(selector.arg, labels, namespaced);
    case "and":
      return selector.args.every((a) => calicoMatches(a, labels, namespaced));
    case "or":
      return selector.args.some((a) => calicoMatches(a, labels, namespaced));
  }
}

// Single quotes, unless the value holds one (Calico's strings cannot escape a quote).
const quote = (s: string) => (s.includes("'") ? `"${s}"` : `'${s}'`);

/** Canonical text of a selector (a cache key and the display form). */
export function calicoSelectorText(selector: CalicoSelector): string {
  switch (selector.op) {
    case "all":
    case "global":
      return `${selector.op}()`;
    case "has":
      return `has(${selector.key})`;
    case "eq":
      return `${selector.key} == ${quote(selector.value)}`;
    case "ne":
      return `${selector.key} != ${quote(selector.value)}`;
    case "in":
    case "notin":
      return `${selector.key} ${selector.op === "in" ? "in" : "not in"} {${selector.values.map(quote).join(", ")}}`;
    case "contains":
      return `${selector.key} contains ${quote(selector.value)}`;
    case "starts":
    case "ends":
      return `${selector.key} ${selector.op} with ${quote(selector.value)}`;
    case "not":
      return `!${wrap(selector.arg)}`;
    case "and":
      return selector.args.map(wrap).join(" && ");
    case "or":
      return selector.args
        .map((a) => (a.op === "or" ? `(${calicoSelectorText(a)})` : calicoSelectorText(a)))
        .join(" || ");
  }
}

function wrap(s: CalicoSelector): string {
  return s.op === "and" || s.op === "or" ? `(${calicoSelectorText(s)})` : calicoSelectorText(s);
}
