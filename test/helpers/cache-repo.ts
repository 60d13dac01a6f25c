// The set-up of the on-disk cache tests (test/github/archive-cache, snapshot-cache): the loopback GitHub
// with the test repository seeded before each test (the e2e harness's useGitHub), the Action's client
// on it, and an empty temporary folder for the cache, removed after each test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { actionClient } from "../../src/github/action-client.js";
import type { GitHub, Repo } from "../../src/github/types.js";
import type { FakeGitHub } from "../e2e/fake-github.js";
import { useGitHub } from "../e2e/harness.js";
import type { TestRepo } from "../e2e/repo-fixture.js";

export interface CacheRepo {
  readonly fake: FakeGitHub;
  /** The Action's client on the loopback GitHub. */
  readonly gh: GitHub;
  /** The test repository of the current test. */
  readonly t: TestRepo;
  /** The current test's cache folder (empty at its start). */
  readonly dir: string;
  repo(): Repo;
  /** Archive downloads of a commit so far. */
  downloads(sha: string): number;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Registers the hooks for a test file; the folder's name starts with `prefix`. */
export function useCacheRepo(prefix: string): CacheRepo {
  const github = useGitHub();
  const { fake } = github;
  let gh: GitHub | undefined;
  let dir: string | undefined;
  beforeEach(() => {
    gh = actionClient(fake.actionToken(), fake.url, quiet);
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    fake,
    get gh() {
      return gh!;
    },
    get t() {
      return github.repo;
    },
    get dir() {
      return dir!;
    },
    repo: () => ({ owner: fake.owner, repo: fake.repo }),
    downloads: (sha) => fake.fetchesOf(sha).filter((r) => r.operationId === "codeload").length,
  };
}
