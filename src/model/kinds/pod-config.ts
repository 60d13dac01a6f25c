// What a pod template is configured with, as text that may name the Services it calls: container
// env values, args and command, and the ConfigMaps and Secrets it reads (envFrom, env valueFrom,
// mounted volumes, projected volumes). Read leniently: a malformed field only yields nothing here
// (the workload itself is read, and diagnosed, by workload.ts).
import type { Path } from "../../manifests/parse.js";
import { isObj } from "../fields.js";
import { POD_TEMPLATE_PATHS } from "./workload.js";

/** A string of the pod's own configuration. */
export interface PodText {
  readonly via: "env" | "args" | "command";
  readonly text: string;
  readonly path: Path;
  /** The field, as people read it: `env PAYMENT_SERVICE_ADDR`, `args[2]`. */
  readonly field: string;
  /** The environment variable's name, which says whether a bare word is a host. */
  readonly hint?: string;
}

/** A ConfigMap or Secret the pod reads: every key, or one key (valueFrom, volume items). */
export interface ConfigRef {
  readonly kind: "ConfigMap" | "Secret";
  readonly name: string;
  readonly keys?: readonly string[];
  /** For valueFrom: the environment variable's name. */
  readonly hint?: string;
}

export interface PodConfig {
  readonly texts: readonly PodText[];
  readonly refs: readonly ConfigRef[];
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (isObj(v) ? v : undefined);

function dig(data: Record<string, unknown>, path: Path): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = data;
  for (const p of path) node = obj(node?.[p as string]);
  return node;
}

export function readPodConfig(data: Record<string, unknown>, kind: string): PodConfig {
  const base = POD_TEMPLATE_PATHS[kind] ?? [];
  const spec = obj(dig(data, base)?.spec);
  const texts: PodText[] = [];
  const refs: ConfigRef[] = [];
  if (!spec) return { texts, refs };
  const specPath = [...base, "spec"];
  for (const field of ["containers", "initContainers"] as const) {
    list(spec[field]).forEach((c, ci) => {
      const container = obj(c);
      if (!container) return;
      const cPath = [...specPath, field, ci];
      for (const via of ["command", "args"] as const)
        list(container[via]).forEach((a, ai) => {
          const text = str(a);
          if (text !== undefined) texts.push({ via, text, path: [...cPath, via, ai], field: `${via}[${ai}]` });
        });
      list(container.env).forEach((e, ei) => {
        const env = obj(e);
        const name = str(env?.name);
        if (!env || !name) return;
        const value = str(env.value);
        if (value !== undefined)
          texts.push({
            via: "env",
            text: value,
            path: [...cPath, "env", ei, "value"],
            field: `env ${name}`,
            hint: name,
          });
        const from = obj(env.valueFrom);
        for (const [key, refKind] of [
          ["configMapKeyRef", "ConfigMap"],
          ["secretKeyRef", "Secret"],
        ] as const) {
          const ref = obj(from?.[key]);
          const refName = str(ref?.name);
          const refKey = str(ref?.key);
          if (refName && refKey) refs.push({ kind: refKind, name: refName, keys: [refKey], hint: name });
        }
      });
      list(container.envFrom).forEach((e) => {
        const env = obj(e);
        for (const [key, refKind] of [
          ["configMapRef", "ConfigMap"],
          ["secretRef", "Secret"],
        ] as const) {
          const refName = str(obj(env?.[key])?.name);
          if (refName) refs.push({ kind: refKind, name: refName });
        }
      });
    });
  }
  const volumeRef = (source: Record<string, unknown> | undefined, refKind: "ConfigMap" | "Secret", nameKey: string) => {
    const refName = str(source?.[nameKey]);
    if (!source || !refName) return;
    const items = list(source.items)
      .map((i) => str(obj(i)?.key))
      .filter((k): k is string => k !== undefined);
    refs.push({ kind: refKind, name: refName, keys: items.length ? items : undefined });
  };
  for (const v of list(spec.volumes)) {
    const volume = obj(v);
    volumeRef(obj(volume?.configMap), "ConfigMap", "name");
    volumeRef(obj(volume?.secret), "Secret", "secretName");
    for (const s of list(obj(volume?.projected)?.sources)) {
      volumeRef(obj(obj(s)?.configMap), "ConfigMap", "name");
      volumeRef(obj(obj(s)?.secret), "Secret", "name");
    }
  }
  return { texts, refs };
}
