// Reads and validates a reachdiff configuration. A bad config is a clear error naming the key.
import { Ajv } from "ajv";
import { parseDocument } from "yaml";
import { CidrError, parseCidr } from "../core/ip.js";
import { CONFIG_SCHEMA, type Config } from "./schema.js";

export class ConfigError extends Error {}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
const validate = ajv.compile(CONFIG_SCHEMA);

function keyOf(instancePath: string, params: Record<string, unknown>): string {
  const path = instancePath.replace(/^\//, "").replace(/\//g, ".");
  const extra = (params.additionalProperty as string) ?? "";
  return [path, extra].filter(Boolean).join(".") || "(top level)";
}

/** Validates parsed config data (or undefined for "no config") and fills in defaults. */
export function resolveConfig(data: unknown, origin = "configuration"): Config {
  const copy = data === undefined || data === null ? {} : structuredClone(data);
  if (typeof copy !== "object" || Array.isArray(copy))
    throw new ConfigError(`${origin}: must be a mapping of settings`);
  if (!validate(copy)) {
    const messages = (validate.errors ?? []).map((e) => {
      const key = keyOf(e.instancePath, e.params as Record<string, unknown>);
      if (e.keyword === "additionalProperties") return `unknown key "${key}"`;
      if (e.keyword === "enum")
        return `"${key}" must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
      return `"${key}" ${e.message}`;
    });
    throw new ConfigError(`${origin}: ${[...new Set(messages)].join("; ")}`);
  }
  const config = copy as unknown as Config;
  for (const [i, cidr] of config["trusted-cidrs"].entries()) {
    try {
      parseCidr(cidr);
    } catch (e) {
      if (e instanceof CidrError) throw new ConfigError(`${origin}: "trusted-cidrs.${i}" ${e.message}`);
      throw e;
    }
  }
  return config;
}

/** Parses the YAML text of `.github/reachdiff.yml`. */
export function parseConfig(text: string, origin = ".github/reachdiff.yml"): Config {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new ConfigError(`${origin}: invalid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  return resolveConfig(doc.toJS(), origin);
}

export const defaultConfig = (): Config => resolveConfig(undefined);
