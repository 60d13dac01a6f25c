import { describe, expect, it } from "vitest";
import {
  isMatchAll,
  labelKeyError,
  labelValueError,
  makeSelector,
  MATCH_ALL,
  matches,
  parseSelector,
  SelectorError,
  selectorFromLabels,
} from "../../src/core/label-selector.js";

describe("parseSelector and matches", () => {
  const pod = { app: "web", tier: "frontend", "app.kubernetes.io/part-of": "shop" };

  it("treats absent, null and {} as match-all", () => {
    for (const raw of [undefined, null, {}, { matchLabels: {} }, { matchLabels: null, matchExpressions: [] }]) {
      const s = parseSelector(raw);
      expect(isMatchAll(s)).toBe(true);
      expect(s.key).toBe("{}");
      expect(matches(s, {})).toBe(true);
    }
  });

  it("ANDs matchLabels with matchExpressions", () => {
    const s = parseSelector({
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["frontend", "edge"] }],
    });
    expect(matches(s, pod)).toBe(true);
    expect(matches(s, { ...pod, tier: "backend" })).toBe(false);
    expect(matches(s, { tier: "frontend" })).toBe(false);
  });

  it("applies In, NotIn, Exists and DoesNotExist, NotIn and DoesNotExist matching pods without the key", () => {
    const sel = (operator: string, values?: string[]) =>
      parseSelector({ matchExpressions: [{ key: "tier", operator, values }] });
    const frontend = { tier: "frontend" };
    const cache = { tier: "cache" };
    const none = { app: "x" };
    expect([frontend, cache, none].map((l) => matches(sel("In", ["frontend", "backend"]), l))).toEqual([
      true,
      false,
      false,
    ]);
    expect([frontend, cache, none].map((l) => matches(sel("NotIn", ["cache"]), l))).toEqual([true, false, true]);
    expect([frontend, cache, none].map((l) => matches(sel("Exists"), l))).toEqual([true, true, false]);
    expect([frontend, cache, none].map((l) => matches(sel("DoesNotExist", []), l))).toEqual([false, false, true]);
    // An empty label value is a value: In [""] matches it, Exists matches it.
    expect(matches(sel("In", [""]), { tier: "" })).toBe(true);
    expect(matches(sel("Exists"), { tier: "" })).toBe(true);
  });

  it("does not match inherited object properties", () => {
    expect(matches(parseSelector({ matchExpressions: [{ key: "constructor", operator: "Exists" }] }), {})).toBe(false);
    expect(matches(parseSelector({ matchExpressions: [{ key: "toString", operator: "DoesNotExist" }] }), {})).toBe(
      true,
    );
  });

  it("gives equivalent selectors one canonical key, whatever the order", () => {
    const a = parseSelector({
      matchLabels: { b: "2", a: "1" },
      matchExpressions: [{ key: "c", operator: "In", values: ["y", "x", "y"] }],
    });
    const b = parseSelector({
      matchExpressions: [
        { key: "c", operator: "In", values: ["x", "y"] },
        { key: "a", operator: "In", values: ["1"] },
      ],
      matchLabels: { b: "2" },
    });
    expect(a.key).toBe(b.key);
    expect(a.key).toBe("a=1,b=2,c in (x,y)");
    // Two requirements on one key (both must hold) are ordered canonically too.
    const c = makeSelector([
      { key: "k", operator: "In", values: ["b"] },
      { key: "k", operator: "In", values: ["a"] },
    ]);
    const d = makeSelector([
      { key: "k", operator: "In", values: ["a"] },
      { key: "k", operator: "In", values: ["b"] },
    ]);
    expect(c.key).toBe(d.key);
    // Duplicates collapse, wherever they are.
    const e = makeSelector([
      { key: "k", operator: "In", values: ["a"] },
      { key: "k", operator: "In", values: ["b"] },
      { key: "k", operator: "In", values: ["a"] },
    ]);
    expect(e.key).toBe("k=a,k=b");
    expect(
      parseSelector({
        matchExpressions: [
          { key: "k", operator: "NotIn", values: ["v"] },
          { key: "k", operator: "Exists" },
          { key: "k", operator: "DoesNotExist" },
        ],
      }).key,
    ).toBe("!k,k,k notin (v)");
  });

  it("builds a selector from a label map", () => {
    const s = selectorFromLabels({ app: "web" });
    expect(matches(s, pod)).toBe(true);
    expect(matches(s, { app: "db" })).toBe(false);
    expect(MATCH_ALL.requirements).toEqual([]);
  });
});

describe("selector validation (what the API server refuses)", () => {
  it.each([
    [[{ app: "web" }], "a label selector must be a mapping"],
    ["app=web", "a label selector must be a mapping"],
    [{ matchLabel: { app: "web" } }, 'unknown field "matchLabel" in a label selector'],
    [{ matchLabels: ["app"] }, "matchLabels must be a mapping of label keys to values"],
    [{ matchLabels: { version: 2 } }, "matchLabels.version must be a string"],
    [{ matchLabels: { app: true } }, "matchLabels.app must be a string"],
    [{ matchLabels: { "-app": "web" } }, 'label key "-app" is invalid'],
    [{ matchLabels: { "Example.com/app": "web" } }, 'label key "Example.com/app" has an invalid prefix'],
    [{ matchLabels: { "/app": "web" } }, 'label key "/app" has an invalid prefix'],
    [{ matchLabels: { ["a".repeat(64)]: "web" } }, "is invalid"],
    [{ matchLabels: { app: "has space" } }, 'label value "has space" is invalid'],
    [{ matchLabels: { app: "-web" } }, 'label value "-web" is invalid'],
    [{ matchExpressions: { key: "app" } }, "matchExpressions must be a list"],
    [{ matchExpressions: ["app"] }, "matchExpressions[0] must be a mapping"],
    [{ matchExpressions: [{ operator: "Exists" }] }, "matchExpressions[0].key must be a string"],
    [
      { matchExpressions: [{ key: "app", operator: "Equals", values: ["x"] }] },
      'matchExpressions[0].operator "Equals" is not one of In, NotIn, Exists, DoesNotExist',
    ],
    [{ matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] }, 'operator "in" is not one of'],
    [{ matchExpressions: [{ key: "app" }] }, "matchExpressions[0].operator undefined is not one of"],
    [
      { matchExpressions: [{ key: "app", operator: "In" }] },
      "matchExpressions[0]: operator In needs at least one value",
    ],
    [{ matchExpressions: [{ key: "app", operator: "NotIn", values: [] }] }, "operator NotIn needs at least one value"],
    [{ matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] }, "operator Exists takes no values"],
    [
      { matchExpressions: [{ key: "app", operator: "In", values: "x" }] },
      "matchExpressions[0].values must be a list of strings",
    ],
    [{ matchExpressions: [{ key: "app", operator: "In", values: [1] }] }, "values must be a list of strings"],
    [{ matchExpressions: [{ key: "app", operator: "In", values: ["a b"] }] }, 'label value "a b" is invalid'],
  ])("refuses %j", (raw, message) => {
    expect(() => parseSelector(raw)).toThrow(SelectorError);
    expect(() => parseSelector(raw)).toThrow(message);
  });

  it("validates label keys and values as qualified names", () => {
    expect(labelKeyError("app")).toBeNull();
    expect(labelKeyError("app.kubernetes.io/name")).toBeNull();
    expect(labelKeyError("kubernetes.io/metadata.name")).toBeNull();
    expect(labelKeyError("A_b.C-9")).toBeNull();
    expect(labelKeyError("a/b/c")).not.toBeNull();
    expect(labelKeyError("")).not.toBeNull();
    expect(labelKeyError(`${"a".repeat(254)}/x`)).not.toBeNull();
    expect(labelValueError("")).toBeNull();
    expect(labelValueError("v1.2_3-x")).toBeNull();
    expect(labelValueError("a".repeat(63))).toBeNull();
    expect(labelValueError("a".repeat(64))).not.toBeNull();
    expect(labelValueError("a/b")).not.toBeNull();
  });
});
