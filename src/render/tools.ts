// The programs rendering runs and exactly how: argv lists (never a shell), a clean environment with
// no secrets of ours and no plugin folders, and no flag that enables exec plugins or post-renderers.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { RenderTools } from "./options.js";

/** The first executable called `name` on PATH, or null. */
function findOnPath(name: string, path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface Tools {
  /** argv prefix; the folder to build is appended. */
  readonly kustomize: readonly string[] | null;
  readonly helm: string | null;
}

/** `kustomize build` when kustomize is on PATH, else `kubectl kustomize`; helm when present. */
export function detectTools(override: RenderTools = {}): Tools {
  const kustomize =
    override.kustomize !== undefined
      ? override.kustomize
      : findOnPath("kustomize")
        ? ["kustomize", "build"]
        : findOnPath("kubectl")
          ? ["kubectl", "kustomize"]
          : null;
  const helm = override.helm !== undefined ? override.helm : findOnPath("helm") ? "helm" : null;
  return { kustomize, helm };
}

/** The command line that builds a kustomization folder. Plugins, exec functions and helm stay off. */
export function kustomizeArgv(tool: readonly string[], folder: string): string[] {
  return [...tool, folder];
}

/** The command line of `helm template` for one chart. No post-renderer, no test hooks. */
export function helmArgv(
  helm: string,
  release: string,
  chartDir: string,
  values: readonly string[],
  namespace?: string,
  /** Let helm fetch the chart's remote dependencies first (allow-remote-dependencies). */
  fetchDependencies = false,
): string[] {
  return [
    helm,
    "template",
    release,
    chartDir,
    "--skip-tests",
    ...(fetchDependencies ? ["--dependency-update"] : []),
    ...(namespace ? ["--namespace", namespace] : []),
    ...values.flatMap((v) => ["--values", v]),
  ];
}

/** Splits a configured command at spaces (single and double quotes group words); no other shell syntax. */
export function splitCommand(command: string | readonly string[]): string[] {
  if (typeof command !== "string") return [...command];
  const words: string[] = [];
  let current = "";
  let quote: string | null = null;
  let started = false;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = "";
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

/** A configured command with `{dir}` replaced by the folder it renders. */
export function commandArgv(command: readonly string[], folder: string): string[] {
  return command.map((w) => w.split("{dir}").join(folder));
}

/**
 * The environment of every render: PATH and locale only from ours (no tokens, keys or cloud
 * credentials), a private HOME, and the plugin and config folders of kustomize, kubectl and helm
 * pointed at empty private folders.
 */
export function renderEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TMPDIR: home,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_DATA_HOME: join(home, "data"),
    KUSTOMIZE_PLUGIN_HOME: join(home, "no-plugins"),
    KUBECONFIG: join(home, "no-kubeconfig"),
    HELM_NO_PLUGINS: "1",
    HELM_PLUGINS: join(home, "no-plugins"),
    HELM_CONFIG_HOME: join(home, "config", "helm"),
    HELM_CACHE_HOME: join(home, "cache", "helm"),
    HELM_DATA_HOME: join(home, "data", "helm"),
    GIT_TERMINAL_PROMPT: "0",
  };
  for (const key of ["LANG", "LC_ALL", "TZ"]) if (process.env[key]) env[key] = process.env[key]!;
  return env;
}
