// Calico's selector language: the parser (precedence, quoting, every operator) and matching, from the
// examples of docs.tigera.io/calico/latest/reference/resources/networkpolicy ("Selectors").
import { describe, expect, it } from "vitest";
import {
  CalicoSelectorError,
  calicoMatches,
  calicoSelectorText,
  parseCalicoSelector,
} from "../../src/core/calico-selector.js";

const m = (text: string, labels: Record<string, string>, namespaced = true) =>
  calicoMatches(parseCalicoSelector(text), labels, namespaced);

describe("Calico selectors: matching", () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ["", {}, true],
    ["all()", { a: "b" }, true],
    ["app == 'web'", { app: "web" }, true],
    ['app == "web"', { app: "db" }, false],
    ["app == 'web'", {}, false],
    // != and not in also match a missing label.
    ["app != 'web'", {}, true],
    ["app != 'web'", { app: "web" }, false],
    ["app != 'web'", { app: "db" }, true],
    ["app in {'web', 'db'}", { app: "db" }, true],
    ["app in {'web', 'db'}", { app: "cache" }, false],
    ["app in {'web', 'db'}", {}, false],
    ["app not in {'web', 'db'}", {}, true],
    ["app not in {'web', 'db'}", { app: "web" }, false],
    ['app not in {"web"}', { app: "db" }, true],
    ["has(app)", { app: "" }, true],
    ["has(app)", {}, false],
    ["!has(app)", {}, true],
    ["!has(app)", { app: "x" }, false],
    ["role contains 'end'", { role: "frontend" }, true],
    ["role starts with 'front'", { role: "frontend" }, true],
    ["role ends with 'front'", { role: "frontend" }, false],
    // && binds tighter than ||; ! tighter than both; parentheses group.
    ["a == '1' || b == '1' && c == '1'", { a: "1" }, true],
    ["(a == '1' || b == '1') && c == '1'", { a: "1" }, false],
    ["!a == '1' && has(b)", { a: "2", b: "" }, true],
    ["!(a == '1' || has(b))", { a: "2" }, true],
    ["!(a == '1' || has(b))", { b: "" }, false],
    // Keys with a DNS prefix, as Calico's own labels are.
    ["projectcalico.org/namespace == 'stars'", { "projectcalico.org/namespace": "stars" }, true],
    [
      "k8s-app == 'kube-dns' && projectcalico.org/namespace in {'kube-system'}",
      { "k8s-app": "kube-dns", "projectcalico.org/namespace": "kube-system" },
      true,
    ],
  ];
  for (const [text, labels, expected] of cases)
    it(`${JSON.stringify(text)} on ${JSON.stringify(labels)}: ${expected}`, () => {
      expect(m(text, labels)).toBe(expected);
    });

  it("global() matches only endpoints outside any namespace", () => {
    expect(m("global()", {})).toBe(false);
    expect(m("global()", {}, false)).toBe(true);
  });
});

describe("Calico selectors: the parser", () => {
  it("parses the precedence into the expected tree", () => {
    expect(parseCalicoSelector("a == 'x' || b == 'y' && !has(c)")).toEqual({
      op: "or",
      args: [
        { op: "eq", key: "a", value: "x" },
        {
          op: "and",
          args: [
            { op: "eq", key: "b", value: "y" },
            { op: "not", arg: { op: "has", key: "c" } },
          ],
        },
      ],
    });
  });

  it("gives equal canonical text for the same selector written differently", () => {
    const t = (s: string) => calicoSelectorText(parseCalicoSelector(s));
    expect(t("a=='x'&&(b=='y'||c in {\"1\",\"2\"})")).toBe(t("a == 'x' && (b == 'y' || c in {'1', '2'})"));
    expect(t("a=='x'&&(b=='y'||c in {\"1\",\"2\"})")).toBe("a == 'x' && (b == 'y' || c in {'1', '2'})");
    expect(t("!(a == 'x')")).toBe("!a == 'x'");
    expect(t(`a == "it's"`)).toBe(`a == "it's"`);
    // The text parses back to the same tree.
    for (const s of ["(a == '1' || b == '1') && !has(c)", "x not in {'a'} || all()", "r starts with 'f'"])
      expect(parseCalicoSelector(t(s))).toEqual(parseCalicoSelector(s));
  });

  const errors: [string, RegExp][] = [
    ["app = 'web'", /unexpected "=" at column 5/],
    ["app == web", /expected a quoted string at column 8, found "web"/],
    ["app == 'web", /unterminated string starting at column 8/],
    ["(app == 'web'", /expected '\)' at column 14, found the end/],
    ["app == 'a' &&", /expected a label key.* at column 14, found the end/],
    ["app in ('a')", /expected '\{' at column 8/],
    ["has(app", /expected '\)' at column 8/],
    ["app == 'a' app == 'b'", /expected '&&', '\|\|' or the end at column 12/],
    ["app", /expected '==', '!=', 'in', 'not in'.* after app/],
    ["app & b", /unexpected "&" at column 5/],
  ];
  for (const [text, message] of errors)
    it(`refuses ${JSON.stringify(text)} naming the column`, () => {
      expect(() => parseCalicoSelector(text)).toThrow(CalicoSelectorError);
      expect(() => parseCalicoSelector(text)).toThrow(message);
    });
});
