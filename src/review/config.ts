// The configuration as every door reads it: the schema's validation (config/load-config.ts), and rule
// ids checked against the rule catalogue, so that a mistyped id in ignore-rules or
// severity-overrides is an error naming the key instead of a setting that silently does nothing.
import { ConfigError, parseConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { RULES } from "../rules/index.js";

function checkRuleIds(config: Config, origin: string): Config {
  const known = new Set(RULES.map((r) => r.id));
  const unknown = [
    ...config["ignore-rules"].flatMap((id, i) => (known.has(id) ? [] : [`"ignore-rules.${i}"`, id])),
    ...Object.keys(config["severity-overrides"]).flatMap((id) =>
      known.has(id) ? [] : [`"severity-overrides.${id}"`, id],
    ),
  ];
  const messages: string[] = [];
  for (let i = 0; i < unknown.length; i += 2)
    messages.push(`${unknown[i]} names no rule ${JSON.stringify(unknown[i + 1])} (see \`reachdiff rules\`)`);
  if (messages.length) throw new ConfigError(`${origin}: ${messages.join("; ")}`);
  return config;
}

/** Parses and validates the YAML text of `.github/reachdiff.yml` (ConfigError naming the key). */
export function readConfig(text: string, origin = ".github/reachdiff.yml"): Config {
  return checkRuleIds(parseConfig(text, origin), origin);
}
