// Source.lineOf answers from a line index written while the document's syntax tree exists. It must
// answer exactly as a lookup in the tree itself (Document.getIn, the key's line, else the value's),
// for every field of every object, for missing fields, and for odd steps (numeric strings, indexes out
// of range), on the repository's fixtures and on a few tricky documents.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from "yaml";
import { Diagnostics } from "../../src/manifests/diagnostics.js";
import { parseManifestText, type Path } from "../../src/manifests/parse.js";

/** The lookup as the tree itself answers it. */
function treeLineOf(doc: Document, lineOfOffset: (o: number) => number, base: Path, line: number, path: Path): number {
  const lineAt = (node: unknown): number | null => {
    const range = (node as YamlNode | null | undefined)?.range;
    return range ? lineOfOffset(range[0]) : null;
  };
  if (!path.length) return line;
  for (let n = path.length; n > 0; n--) {
    const parent = doc.getIn([...base, ...path.slice(0, n - 1)], true);
    const step = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find(
        (p) =>
          (isScalar(p.key) ? p.key.value : p.key) === step || (isScalar(p.key) && String(p.key.value) === String(step)),
      );
      const at = pair ? (lineAt(pair.key) ?? lineAt(pair.value)) : null;
      if (at !== null) return at;
    } else if (isSeq(parent) && typeof step === "number") {
      const at = lineAt(parent.items[step]);
      if (at !== null) return at;
    }
  }
  return line;
}

/** Every path into the value, and around it: missing keys, numeric strings, indexes out of range. */
function paths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      paths(v, [...prefix, i], out);
      out.push([...prefix, String(i)]);
    });
    out.push([...prefix, value.length], [...prefix, -1], [...prefix, 0.5]);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      paths(v, [...prefix, k], out);
      if (/^\d+$/.test(k)) out.push([...prefix, Number(k)]);
    }
    out.push([...prefix, "no-such-field"], [...prefix, "no-such-field", "deeper"], [...prefix, 0]);
  }
  return out;
}

function check(file: string, text: string): number {
  const diagnostics = new Diagnostics();
  const objects = parseManifestText(file, text, diagnostics);
  if (diagnostics.items.some((d) => d.severity === "error")) return 0;
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, version: "1.1", merge: true, uniqueKeys: false });
  if (!Array.isArray(docs)) return 0;
  const lineOfOffset = (o: number) => counter.linePos(o).line;
  // The objects in document order (a List's items in order).
  const expected: { doc: Document; base: Path }[] = [];
  for (const doc of docs) {
    const data = doc.toJS({ maxAliasCount: 10_000 }) as Record<string, unknown> | null;
    if (!data || typeof data !== "object") continue;
    if (typeof data.kind === "string" && data.kind.endsWith("List") && Array.isArray(data.items))
      data.items.forEach((_, i) => expected.push({ doc, base: ["items", i] }));
    else expected.push({ doc, base: [] });
  }
  if (expected.length !== objects.length) return 0;
  let checked = 0;
  objects.forEach((o, i) => {
    const { doc, base } = expected[i];
    for (const path of paths(o.data)) {
      expect(o.source.lineOf(path), `${file} object ${i} ${JSON.stringify(path)}`).toBe(
        treeLineOf(doc, lineOfOffset, base, o.source.line, path),
      );
      checked++;
    }
  });
  return checked;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

describe("Source.lineOf from the line index", () => {
  it("answers as the syntax tree does for every field of the fixtures", () => {
    let checked = 0;
    for (const file of yamlFiles("fixtures")) checked += check(file, readFileSync(file, "utf8"));
    expect(checked).toBeGreaterThan(10_000);
  });

  it("answers as the syntax tree does for odd documents", () => {
    const docs = [
      // Flow style, numeric and boolean-looking keys, a null key, quoted keys.
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: y}}\ndata:\n  80: eighty\n  'true': t\n  \"null\": n\n  ? |\n    block\n  : v\n",
      // Merge keys and aliases.
      "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: b\n  namespace: ns\nextra:\n  <<: *m\n  own: 1\nlist: [*m, {k: v}, [1, 2]]\n",
      // A List with items, values starting on the next line, empty values.
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n  spec:\n    containers:\n    -\n      name: c\n      ports:\n      - containerPort:\n          80\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: q}\n  spec:\n",
      // Several documents with comments and directives.
      "%YAML 1.1\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: one # the first\n---\n# nothing\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: two\n",
    ];
    let checked = 0;
    docs.forEach((text, i) => (checked += check(`odd-${i}.yaml`, text)));
    expect(checked).toBeGreaterThan(100);
  });
});
