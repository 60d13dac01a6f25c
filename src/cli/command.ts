// What every command of the CLI shares: its shape, the common options, reading the configuration,
// writing a report, and the exit codes (the one mapping of a verdict to a number).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ParseArgsConfig } from "node:util";
import { parse } from "yaml";
import { forDataplane } from "../analysis/dataplane.js";
import { defaultConfig } from "../config/load-config.js";
import type { Config } from "../config/schema.js";
import { formatDiagnostic, type Diagnostic } from "../manifests/diagnostics.js";
import type { Cluster } from "../model/types.js";
import { readConfig as parseReviewConfig } from "../review/config.js";
import { isGitRef, readGitFile } from "../sources/git.js";
import { loadSideEnvironment } from "../environments.js";
import { renderOptionsFromConfig } from "../render/options.js";
import { loadSnapshot, type SnapshotOptions } from "../snapshot.js";

/** The exit codes, documented in the README and in `reachdiff --help`. */
export const EXIT = { ok: 0, risk: 1, input: 2, unanalysed: 3, usage: 64, internal: 70 } as const;

export const EXIT_HELP = `Exit codes:
  0   done; the risk does not reach --fail-on
  1   the risk reaches --fail-on (diff; default: high)
  2   manifests could not be read: the head broke one (diff), or any problem with --strict
  3   nothing to analyse: no Kubernetes object read, a path or glob that matches nothing,
      every render of a side failed
  64  usage: unknown command or option, bad value, invalid configuration, unknown ref, workload
      or environment, or several environments and none chosen
  70  internal error (a bug in reachdiff: please report it)`;

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  /** What it does and its options. */
  readonly help: string;
  readonly examples: readonly string[];
  run(values: Record<string, unknown>, positionals: string[]): number;
}

/** A mistake in how the command was called: said with the usage line. */
export class UsageError extends Error {}

/** A problem of the input or settings (a bad config, an unknown ref): said without the usage line. */
export class InputError extends Error {}

export const COMMON: Options = {
  namespace: { type: "string", short: "n" },
  strict: { type: "boolean", default: false },
  "max-file-size": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
};

export const COMMON_HELP = `  -n, --namespace NS     namespace of objects that name none (default: the config's
                         default-namespace, else default)
      --strict           exit 2 when any manifest could not be read
      --max-file-size N  skip files over N bytes (default 16777216)
  -h, --help             show this help`;

export const CONFIG_OPTION: Options = { config: { type: "string", short: "c" } };
export const CONFIG_HELP = "  -c, --config FILE      settings (default: .github/reachdiff.yml when present)";

/**
 * The settings: --config, else `.github/reachdiff.yml` of the base when the base is a git ref (a pull
 * request must not choose its own review policy or render commands), else the working tree's. Also
 * which keys the file sets, so that a default in use can be said as such.
 */
export function readSettings(path: string | undefined, base?: string): { config: Config; keys: ReadonlySet<string> } {
  let text: string | null = null;
  let origin = "";
  if (!path && base && !existsSync(base) && isGitRef(base)) {
    origin = `${base}:.github/reachdiff.yml`;
    text = readGitFile(base, ".github/reachdiff.yml");
  } else {
    const file = path ?? (existsSync(".github/reachdiff.yml") ? ".github/reachdiff.yml" : undefined);
    if (file && !existsSync(file)) throw new InputError(`no config file ${file}`);
    if (file) [origin, text] = [file, readFileSync(file, "utf8")];
  }
  if (text === null) return { config: defaultConfig(), keys: new Set() };
  const config = parseReviewConfig(text, origin);
  const data: unknown = parse(text);
  return { config, keys: new Set(data && typeof data === "object" ? Object.keys(data) : []) };
}

const readConfig = (path: string | undefined, base?: string): Config => readSettings(path, base).config;

export function snapshotOptions(values: Record<string, unknown>, config: Config): SnapshotOptions {
  const max = values["max-file-size"] as string | undefined;
  const bytes = max === undefined ? undefined : Number(max);
  if (bytes !== undefined && !(Number.isInteger(bytes) && bytes > 0))
    throw new UsageError("--max-file-size must be a whole number of bytes");
  return {
    defaultNamespace: (values.namespace as string | undefined) ?? config["default-namespace"],
    maxFileBytes: bytes,
  };
}

const ENVIRONMENT_OPTION: Options = { environment: { type: "string", short: "e" } };
const ENVIRONMENT_HELP = `  -e, --environment NAME the environment to read when the folder deploys several (each its own
                         cluster: the configuration's environments, Argo CD or Flux, or each
                         top-level Kustomize root and chart); required then`;

/**
 * The snapshot a command reads, with only the configured dataplane's policies (as diff). One folder or
 * git ref that deploys several environments is never read as their union: --environment names the one
 * (an unknown name, or none given, is an error listing them). Files, several paths, or a folder that is
 * one environment are read together as one cluster.
 */
function readSnapshot(paths: readonly string[], values: Record<string, unknown>, config: Config): Cluster {
  const name = values.environment as string | undefined;
  const options = snapshotOptions(values, config);
  const single = paths.length === 1 && (existsSync(paths[0]) ? statSync(paths[0]).isDirectory() : isGitRef(paths[0]));
  if (!single) {
    if (name !== undefined) throw new UsageError("--environment needs one folder or git ref");
    return forDataplane(loadSnapshot(paths, options), config.network);
  }
  const found = loadSideEnvironment(paths[0], name, {
    ...options,
    globs: config.paths,
    render: renderOptionsFromConfig(config),
    environments: config.environments,
  });
  if (found.snapshot) {
    if (name === undefined)
      process.stderr.write(
        `reachdiff: reading environment ${found.snapshot.environment?.name}, the one ${paths[0]} deploys\n`,
      );
    return forDataplane(found.snapshot.cluster, config.network);
  }
  if (found.names === null) {
    if (name !== undefined)
      throw new InputError(
        `unknown environment ${JSON.stringify(name)}: ${paths[0]} is one environment (it deploys one unit or none); leave out --environment`,
      );
    return forDataplane(loadSnapshot(paths, options), config.network);
  }
  const list = found.names.join(", ");
  throw name === undefined
    ? new InputError(
        `${paths[0]} deploys ${found.names.length} environments, each its own cluster: ${list}; choose one with --environment NAME`,
      )
    : new InputError(`unknown environment ${JSON.stringify(name)}; the environments of ${paths[0]} are: ${list}`);
}

function needPaths(positionals: string[]): void {
  if (positionals.length === 0) throw new UsageError("give at least one file or folder of manifests");
}

export function choice(values: Record<string, unknown>, name: string, allowed: readonly string[]): string {
  const value = values[name] as string;
  if (!allowed.includes(value))
    throw new UsageError(`unknown ${name} ${JSON.stringify(value)} (${allowed.join(", ")})`);
  return value;
}

function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) if (d.severity !== "info") process.stderr.write(`${formatDiagnostic(d)}\n`);
}

/**
 * The exit code of a one-snapshot command: 3 when nothing was read (naming the paths), 2 with
 * --strict when something could not be read, else 0.
 */
function snapshotExit(cluster: Cluster, paths: readonly string[], strict: boolean): number {
  if (cluster.objects === 0) {
    process.stderr.write(`reachdiff: nothing to analyse: no Kubernetes object found in ${paths.join(", ")}\n`);
    return EXIT.unanalysed;
  }
  return strict && cluster.diagnostics.some((d) => d.severity === "error") ? EXIT.input : EXIT.ok;
}

/** The report to stdout ("-") or to a file (its folder created), saying on stderr where it went. */
export function writeOutput(output: string, text: string): void {
  if (output === "-") {
    process.stdout.write(text);
    return;
  }
  try {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, text);
  } catch (e) {
    throw new InputError(`cannot write ${output}: ${(e as Error).message}`);
  }
  process.stderr.write(`reachdiff: wrote ${output}\n`);
}

/** What a one-snapshot command prints: its report, and diagnostics of its own beside the snapshot's. */
export interface SnapshotReport {
  readonly text: string;
  readonly diagnostics?: readonly Diagnostic[];
}

/** A command over one snapshot: only what is its own; snapshotCommand adds the rest. */
export interface SnapshotCommand<Own> {
  readonly summary: string;
  readonly usage: string;
  /** Options of its own; --format (text or json), the common, config and environment options are added. */
  readonly options?: Options;
  /** What it does and its own options' lines (the config, environment and common lines follow). */
  readonly help: string;
  readonly examples: readonly string[];
  /** Its own options, read and checked before anything is read (a UsageError for a bad one). */
  parse?(values: Record<string, unknown>): Own;
  /** The report; undefined when there is nothing to report on (no object read: the diagnostics say why). */
  report(input: {
    readonly cluster: Cluster;
    readonly config: Config;
    readonly values: Record<string, unknown>;
    readonly format: "text" | "json";
    readonly own: Own;
  }): SnapshotReport | undefined;
}

/**
 * reach, deps, exposure and explain: the paths, the configuration and the snapshot read the same way,
 * the report to stdout, the diagnostics to stderr, and the exit code of a one-snapshot command.
 */
export function snapshotCommand<Own = undefined>(c: SnapshotCommand<Own>): Command {
  return {
    summary: c.summary,
    usage: c.usage,
    options: {
      ...COMMON,
      ...CONFIG_OPTION,
      ...ENVIRONMENT_OPTION,
      format: { type: "string", short: "f", default: "text" },
      ...c.options,
    },
    help: `${c.help}\n${CONFIG_HELP}\n${ENVIRONMENT_HELP}\n${COMMON_HELP}`,
    examples: c.examples,
    run(values, paths) {
      needPaths(paths);
      const own = c.parse?.(values) as Own;
      const format = choice(values, "format", ["text", "json"]) as "text" | "json";
      const config = readConfig(values.config as string | undefined);
      const cluster = readSnapshot(paths, values, config);
      const report = c.report({ cluster, config, values, format, own });
      if (report) process.stdout.write(report.text);
      const diagnostics = [...cluster.diagnostics, ...(report?.diagnostics ?? [])];
      printDiagnostics(diagnostics);
      return snapshotExit({ ...cluster, diagnostics }, paths, values.strict as boolean);
    },
  };
}
