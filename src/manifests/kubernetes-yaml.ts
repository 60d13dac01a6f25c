// How Kubernetes reads YAML, for the yaml package: scalars as go-yaml v2 (sigs.k8s.io/yaml) reads them
// (tags for every document), and what it refuses that the yaml package would read.
import { isAlias, isCollection, visit, type Document, type Node as YamlNode } from "yaml";
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

/** The yaml package's YAML 1.1 tags, with numbers, timestamps, sets and binaries as go-yaml v2 reads them. */
export function kubernetesYaml11Tags(tags: unknown[]): unknown[] {
  const kept = tags.filter((t) => {
    const tag = t as { tag?: string; format?: string; test?: RegExp };
    if (tag.tag && NUMBER_TAGS.has(tag.tag))
      // .inf and .nan stay the yaml package's; every other number is go-yaml's decision.
      return tag.test?.test(".nan") === true;
    return !(tag.tag && dropTags.has(tag.tag)) && tag.format !== "TIME";
  });
  return [...kept, goIntTag, goFloatTag, binaryAsString];
}

/**
 * What go-yaml and Kubernetes' YAML-to-JSON step refuse but the yaml package reads: an alias inside
 * the value of its own anchor (`a: &x [*x]`, "anchor 'x' value contains itself", which would build a
 * value that contains itself), and a mapping key that is itself a mapping or list (JSON keys are strings).
 */
export function unreadable(doc: Document): { message: string; offset: number } | null {
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
