// What one delivery (the App's webhook, the Action's run) hands to the shared review path: a guarded
// client, the repository, the bot's own login, a logger and the settings that override the config.
import type { Config } from "../config/schema.js";
import type { ArchiveCache } from "./archive-cache.js";
import { DEFAULT_REQUEST_TIMEOUT_MS, guard, type Guard, type WriteSlots } from "./pacing.js";
import type { CommentMode } from "./sticky-comment.js";
import type { GitHub, Log, Repo } from "./types.js";

export interface Settings {
  /** Where the config lives in the base branch (default .github/reachdiff.yml). */
  readonly configPath?: string;
  /** Overrides of the config (the Action's inputs). */
  readonly paths?: readonly string[];
  readonly failOn?: Config["fail-on"];
  readonly commentMode?: CommentMode;
  /** Create a check run (false where the token may not, e.g. an Action on a fork pull request). */
  readonly checks: boolean;
  /** Whole-review deadline; past it the check run ends as timed_out. */
  readonly timeoutMs: number;
  readonly detailsUrl?: string;
  readonly serverUrl?: string;
  /** Render and analyse on a worker thread, so that the process keeps answering meanwhile (the App). */
  readonly reviewThread?: boolean;
  /** Heap limit (MiB) of that worker thread: a review past it fails alone instead of the process. */
  readonly reviewMemoryMb?: number;
  /** A retried review: take over our check run left in progress on the head instead of creating one. */
  readonly adoptCheck?: boolean;
  /**
   * Review a head once: triggers that repeat (a redelivered push, ready_for_review, a suite requested,
   * the backfill on install) skip a head that has a verdict already (the App; an Action re-run wants a new one).
   */
  readonly oncePerHead?: boolean;
  /** Review only repositories that have the configuration file in the base branch (REACHDIFF_REQUIRE_CONFIG). */
  readonly requireConfig?: boolean;
  /** Archives by commit on disk, shared by the reviews of this process (the App; see archive-cache.ts). */
  readonly archiveCache?: ArchiveCache;
}

export interface Session {
  readonly gh: GitHub;
  readonly repo: Repo;
  /** Comments by anyone else are never treated as ours, whatever their marker. */
  readonly botLogin: string;
  readonly log: Log;
  readonly guard: Guard;
  readonly settings: Settings;
  /** Aborted (with a Stop) when this delivery's work is superseded or the process stops. */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export function createSession(options: {
  gh: GitHub;
  repo: Repo;
  botLogin: string;
  log: Log;
  pacer: WriteSlots;
  settings: Partial<Settings>;
  signal?: AbortSignal;
}): Session {
  const g: Guard = {
    pacer: options.pacer,
    requestTimeoutMs: Number(process.env.REACHDIFF_REQUEST_TIMEOUT_MS) || DEFAULT_REQUEST_TIMEOUT_MS,
  };
  return {
    gh: guard(options.gh, g),
    repo: options.repo,
    botLogin: options.botLogin,
    log: options.log,
    guard: g,
    signal: options.signal,
    settings: {
      checks: true,
      timeoutMs: Number(process.env.REACHDIFF_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS,
      ...options.settings,
    },
  };
}

export function effectiveConfig(config: Config, settings: Settings): Config {
  return {
    ...config,
    ...(settings.paths?.length ? { paths: [...settings.paths] } : {}),
    ...(settings.failOn ? { "fail-on": settings.failOn } : {}),
    ...(settings.commentMode ? { comment: { ...config.comment, mode: settings.commentMode } } : {}),
  };
}
