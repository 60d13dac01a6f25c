// metav1.LabelSelector: matchLabels AND matchExpressions (In, NotIn, Exists, DoesNotExist),
// validated the way the API server validates it, so an object it would reject is rejected here.

export type Labels = Readonly<Record<string, string>>;

export type Operator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  /** Canonical text, equal for equivalent selectors: the cache key and the display form. */
  readonly key: string;
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is invalid (a qualified name: optional DNS prefix, "/", name of at most 63), or null. */
export function labelKeyError(key: string): string | null {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `label key ${JSON.stringify(key)} has an invalid prefix (must be a DNS subdomain)`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name))
    return `label key ${JSON.stringify(key)} is invalid (at most 63 characters: alphanumerics, '-', '_', '.', starting and ending with an alphanumeric)`;
  return null;
}

/** Why a label value is invalid (empty, or at most 63 name characters), or null. */
export function labelValueError(value: string): string | null {
  if (value === "") return null;
  if (value.length > 63 || !NAME.test(value))
    return `label value ${JSON.stringify(value)} is invalid (at most 63 characters: alphanumerics, '-', '_', '.', starting and ending with an alphanumeric)`;
  return null;
}

export class SelectorError extends Error {}

const OPERATORS: readonly Operator[] = ["In", "NotIn", "Exists", "DoesNotExist"];

function canonical(requirements: readonly Requirement[]): string {
  if (requirements.length === 0) return "{}";
  return requirements
    .map((r) => {
      switch (r.operator) {
        case "In":
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(",")})`;
        case "NotIn":
          return `${r.key} notin (${r.values.join(",")})`;
        case "Exists":
          return r.key;
        case "DoesNotExist":
          return `!${r.key}`;
      }
    })
    .join(",");
}

export function makeSelector(requirements: Requirement[]): LabelSelector {
  const sorted = requirements
    .map((r) => ({ ...r, values: [...new Set(r.values)].sort() }))
    .map((r) => ({ r, text: canonical([r]) }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map(({ r }) => r);
  const unique = sorted.filter((r, i) => i === 0 || canonical([r]) !== canonical([sorted[i - 1]]));
  return { requirements: unique, key: canonical(unique) };
}

export const MATCH_ALL: LabelSelector = makeSelector([]);

export function selectorFromLabels(labels: Labels): LabelSelector {
  return makeSelector(Object.entries(labels).map(([key, value]) => ({ key, operator: "In", values: [value] })));
}

/**
 * Reads a LabelSelector from untyped manifest data. Throws SelectorError with a plain message for
 * anything the API server would refuse (wrong types, unknown operator, bad keys or values).
 */
export function parseSelector(raw: unknown): LabelSelector {
  if (raw === null || raw === undefined) return MATCH_ALL;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new SelectorError("a label selector must be a mapping");
  const { matchLabels, matchExpressions, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new SelectorError(`unknown field ${JSON.stringify(unknown[0])} in a label selector`);
  const requirements: Requirement[] = [];
  if (matchLabels !== undefined && matchLabels !== null) {
    if (typeof matchLabels !== "object" || Array.isArray(matchLabels))
      throw new SelectorError("matchLabels must be a mapping of label keys to values");
    for (const [key, value] of Object.entries(matchLabels as Record<string, unknown>)) {
      if (typeof value !== "string") throw new SelectorError(`matchLabels.${key} must be a string`);
      const error = labelKeyError(key) ?? labelValueError(value);
      if (error) throw new SelectorError(error);
      requirements.push({ key, operator: "In", values: [value] });
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) throw new SelectorError("matchExpressions must be a list");
    matchExpressions.forEach((expr: unknown, i) => {
      if (typeof expr !== "object" || expr === null || Array.isArray(expr))
        throw new SelectorError(`matchExpressions[${i}] must be a mapping`);
      const { key, operator, values } = expr as Record<string, unknown>;
      if (typeof key !== "string") throw new SelectorError(`matchExpressions[${i}].key must be a string`);
      const keyError = labelKeyError(key);
      if (keyError) throw new SelectorError(keyError);
      if (typeof operator !== "string" || !OPERATORS.includes(operator as Operator))
        throw new SelectorError(
          `matchExpressions[${i}].operator ${JSON.stringify(operator)} is not one of In, NotIn, Exists, DoesNotExist`,
        );
      const list = values === undefined || values === null ? [] : values;
      if (!Array.isArray(list) || list.some((v) => typeof v !== "string"))
        throw new SelectorError(`matchExpressions[${i}].values must be a list of strings`);
      const op = operator as Operator;
      if ((op === "In" || op === "NotIn") && list.length === 0)
        throw new SelectorError(`matchExpressions[${i}]: operator ${op} needs at least one value`);
      if ((op === "Exists" || op === "DoesNotExist") && list.length > 0)
        throw new SelectorError(`matchExpressions[${i}]: operator ${op} takes no values`);
      for (const v of list as string[]) {
        const error = labelValueError(v);
        if (error) throw new SelectorError(error);
      }
      requirements.push({ key, operator: op, values: list as string[] });
    });
  }
  return makeSelector(requirements);
}

export function matches(selector: LabelSelector, labels: Labels): boolean {
  for (const r of selector.requirements) {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case "In":
        if (!has || !r.values.includes(labels[r.key])) return false;
        break;
      case "NotIn":
        if (has && r.values.includes(labels[r.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

export function isMatchAll(selector: LabelSelector): boolean {
  return selector.requirements.length === 0;
}
