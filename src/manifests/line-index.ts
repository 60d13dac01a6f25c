// Where each field of a document is, kept after its syntax tree is gone: a compact line index per
// document, the Source (file, line, lineOf) built on it, and the same as plain data for crossing threads.
import { isMap, isScalar, isSeq } from "yaml";
import type { Path, RawObject, Source } from "./parse.js";

/**
 * The lines of one document's fields, for lineOf: its syntax tree is some fifty times the size of its
 * text and is not kept, so while it exists (once, when the document is read) the line of every key and
 * item is written down here, in one flat array per mapping or list:
 * a mapping is [MAP, key, key line, value line, value's index, key, ...], a list is
 * [SEQ, item line, item's index, ...]; a line is -1 where the node has none, an index null where the
 * value is no mapping or list. Lookups follow the yaml package's own (Document.getIn).
 */
export type LineIndex = unknown[];
const MAP = 0;
const SEQ = 1;
/** The key of a pair whose key is not a scalar (an alias): an object, equal to no path step (and still one when copied to another thread). */
const NOT_A_SCALAR = Object.freeze({ notAScalar: true });
const isScalarKey = (key: unknown) => typeof key !== "object" || key === null;

export function lineIndex(node: unknown, lineAt: (node: unknown) => number): LineIndex | null {
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

export function makeSource(file: string, root: LineIndex | null, base: Path, line: number): Source {
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
