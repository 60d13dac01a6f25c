// Typed reads of untyped manifest data. A field of the wrong type makes the whole object invalid,
// as the API server would refuse it: the reader throws InvalidObject naming the field, and the model
// builder turns that into a diagnostic at the field's line.
import type { Path } from "../manifests/parse.js";

export class InvalidObject extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

export function fieldName(path: Path): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

export function fail(path: Path, message: string): never {
  throw new InvalidObject(path, `${fieldName(path)}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

export type Obj = Record<string, unknown>;

/**
 * `record[key]` for a key read from a manifest: only the record's own entries, so that a kind, group
 * or action named `constructor` or `toString` does not find Object.prototype's function.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A mapping, or undefined when absent or null. */
export function optObj(value: unknown, path: Path): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) fail(path, `must be a mapping, found ${describe(value)}`);
  return value;
}

export function optList(value: unknown, path: Path): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail(path, `must be a list, found ${describe(value)}`);
  return value;
}

export function optString(value: unknown, path: Path): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(path, `must be a string, found ${describe(value)}`);
  return value;
}

export function optBool(value: unknown, path: Path): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") fail(path, `must be true or false, found ${describe(value)}`);
  return value;
}

export function optInt(value: unknown, path: Path, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value))
    fail(path, `must be a whole number, found ${describe(value)}`);
  if (value < min || value > max) fail(path, `must be between ${min} and ${max}, found ${value}`);
  return value;
}

export function optStringMap(value: unknown, path: Path): Record<string, string> | undefined {
  const obj = optObj(value, path);
  if (!obj) return undefined;
  for (const [k, v] of Object.entries(obj))
    if (typeof v !== "string") fail([...path, k], `must be a string, found ${describe(v)}`);
  return obj as Record<string, string>;
}

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

/** A port given as a number (1..65535) or an IANA service name (a named container port). */
export function optPortOrName(value: unknown, path: Path): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return optInt(value, path, 1, 65535);
  if (typeof value === "string") {
    // Kubernetes' IntOrString accepts a quoted number as the number only where the field says so;
    // a port name must be a valid IANA service name with at least one letter.
    if (!IANA_SVC_NAME.test(value) || !/[a-z]/.test(value) || value.includes("--"))
      fail(
        path,
        `must be a port number or a port name (at most 15 lowercase letters, digits and '-'), found ${JSON.stringify(value)}`,
      );
    return value;
  }
  return fail(path, `must be a port number or name, found ${describe(value)}`);
}

/** A string field that must be given and not empty. */
export function reqString(value: unknown, path: Path): string {
  const text = optString(value, path);
  if (!text) fail(path, "is missing");
  return text;
}
