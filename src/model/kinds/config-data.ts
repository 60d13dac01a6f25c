// core/v1 ConfigMap and Secret: their string data (Secret `data` base64-decoded, `stringData`), each
// entry with the line its text starts on, for finding the Service names a pod reads from them.
// Read leniently: an entry that is not text yields nothing (binary data, a malformed value).
import type { Source } from "../../manifests/parse.js";
import { isObj } from "../fields.js";

export interface ConfigEntry {
  readonly key: string;
  readonly text: string;
  /** The line of the key; a multi-line text (a block scalar) starts on the next line. */
  readonly line: number;
  /** The text's own lines are the file's (a block scalar); false for base64 or one-line values. */
  readonly multiline: boolean;
}

export interface ConfigData {
  readonly id: string;
  readonly kind: "ConfigMap" | "Secret";
  readonly name: string;
  readonly namespace: string;
  readonly source: Source;
  readonly entries: readonly ConfigEntry[];
}

/** base64 text that decodes to UTF-8 text, or undefined. */
function decode(value: string): string | undefined {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const text = Buffer.from(compact, "base64").toString("utf8");
  // Binary data (certificates in DER, images) is not configuration text.
  return /[\uFFFD\u0000-\u0008\u000E-\u001F]/.test(text) ? undefined : text;
}

export function readConfigData(
  kind: "ConfigMap" | "Secret",
  data: Record<string, unknown>,
  name: string,
  namespace: string,
  source: Source,
): ConfigData {
  const entries: ConfigEntry[] = [];
  const fields = kind === "Secret" ? (["data", "stringData"] as const) : (["data"] as const);
  for (const field of fields) {
    const values = data[field];
    if (!isObj(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== "string") continue;
      const text = kind === "Secret" && field === "data" ? decode(value) : value;
      if (text === undefined) continue;
      const encoded = text !== value;
      // In a JSON file a text with line breaks is one escaped string on one line.
      const multiline = !encoded && text.includes("\n") && !source.file.endsWith(".json");
      entries.push({ key, text, line: source.lineOf([field, key]), multiline });
    }
  }
  return { id: `${namespace}/${kind}/${name}`, kind, name, namespace, source, entries };
}
