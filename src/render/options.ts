// What rendering may do. The defaults are the safe ones: Kustomize roots and Helm charts are
// rendered, remote bases are refused, and no configured render command runs.
import { availableParallelism, tmpdir } from "node:os";
import type { Config } from "../config/schema.js";

export interface HelmChartSetting {
  /** The chart's folder, relative to the repository root. */
  readonly path: string;
  /** Values files, relative to the repository root, applied in order. */
  readonly values?: readonly string[];
  /** Release name (default: the chart folder's name). */
  readonly release?: string;
  /** Namespace given to `helm template --namespace`. */
  readonly namespace?: string;
  /** Values given as YAML text (a Flux HelmRelease's valuesFrom and values), applied after the files, in order. */
  readonly inline?: readonly string[];
}

export interface RenderCommandSetting {
  /** Glob of folders (or of files, meaning their folder), relative to the repository root. */
  readonly glob: string;
  /** The program and its arguments; `{dir}` stands for the folder. A string is split at spaces. */
  readonly command: string | readonly string[];
}

export interface RenderTools {
  /** argv prefix that builds a kustomization folder (the folder is appended); null: none available. */
  readonly kustomize?: readonly string[] | null;
  /** The helm program; null: none available. */
  readonly helm?: string | null;
}

export interface RenderOptions {
  /** Render Kustomize roots (default true). */
  readonly kustomize?: boolean;
  /** Render Helm charts (default true); `charts` adds values files, release names and namespaces. */
  readonly helm?: boolean | { readonly charts?: readonly HelmChartSetting[] };
  /** Folders rendered by a command of their own (run only when allowCommands is true). */
  readonly commands?: readonly RenderCommandSetting[];
  /** Whether configured render commands may run (default false). */
  readonly allowCommands?: boolean;
  /** Whether kustomizations may name remote bases or URLs (default false). */
  readonly allowRemoteBases?: boolean;
  /** Whether helm may fetch chart dependencies that are not in the repository (OCI, HTTP; default false). */
  readonly allowRemoteDependencies?: boolean;
  /** Time limit of one render, in milliseconds (default 60 s). */
  readonly timeoutMs?: number;
  /** Size limit of one render's output, in bytes (default 64 MiB). */
  readonly maxOutputBytes?: number;
  /** Size limit of the files written out for one side, in bytes (default 512 MiB). */
  readonly maxInputBytes?: number;
  /** Renders run at once (default: the number of cores). */
  readonly concurrency?: number;
  /** Override tool discovery on PATH (tests, unusual installs). */
  readonly tools?: RenderTools;
  /** Where renders of unchanged inputs are remembered (default: one cache for the process). */
  readonly cache?: RenderCache | null;
  /** Folder in which each render's private temporary folder is made (default: the system's). */
  readonly tempDir?: string;
}

export interface ResolvedRenderOptions {
  readonly kustomize: boolean;
  readonly helm: boolean;
  readonly charts: readonly HelmChartSetting[];
  readonly commands: readonly RenderCommandSetting[];
  readonly allowCommands: boolean;
  readonly allowRemoteBases: boolean;
  readonly allowRemoteDependencies: boolean;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly maxInputBytes: number;
  readonly concurrency: number;
  readonly tools?: RenderTools;
  readonly cache: RenderCache | null;
  readonly tempDir: string;
}

/**
 * Results of earlier renders, by a hash of everything that went into them (so a hit is the same
 * render). The least recently used go first past `limit` entries or `maxBytes` of output.
 */
export class RenderCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private bytes = 0;
  constructor(
    readonly limit = 256,
    readonly maxBytes = 256 * 1024 * 1024,
  ) {}
  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry?.value as T | undefined;
  }
  /** `bytes`: what the entry holds, roughly (its rendered output). */
  set(key: string, value: unknown, bytes = 0): void {
    this.drop(key);
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.limit || (this.bytes > this.maxBytes && this.entries.size > 1))
      this.drop(this.entries.keys().next().value!);
  }
  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
  get size(): number {
    return this.entries.size;
  }
}

/** Shared by the two sides of a diff, so that head reuses base's output for unchanged units. */
const processCache = new RenderCache();

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024;

export function resolveRenderOptions(options: RenderOptions = {}): ResolvedRenderOptions {
  const helm = options.helm ?? true;
  return {
    kustomize: options.kustomize ?? true,
    helm: helm !== false,
    charts: typeof helm === "object" ? (helm.charts ?? []) : [],
    commands: options.commands ?? [],
    allowCommands: options.allowCommands ?? false,
    allowRemoteBases: options.allowRemoteBases ?? false,
    allowRemoteDependencies: options.allowRemoteDependencies ?? false,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    maxInputBytes: options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES,
    concurrency: Math.max(1, options.concurrency ?? availableParallelism()),
    tools: options.tools,
    cache: options.cache === undefined ? processCache : options.cache,
    tempDir: options.tempDir ?? tmpdir(),
  };
}

/**
 * Render settings from a configuration. Pass the *trusted* configuration: the base branch's, never
 * the pull request's, since it decides which commands run and whether remote bases are fetched.
 */
export function renderOptionsFromConfig(trusted: Config, extra: RenderOptions = {}): RenderOptions {
  return {
    helm: { charts: trusted.helm.charts },
    commands: trusted.render,
    allowCommands: trusted["allow-render-commands"],
    allowRemoteBases: trusted["allow-remote-bases"],
    allowRemoteDependencies: trusted["allow-remote-dependencies"],
    ...extra,
  };
}
