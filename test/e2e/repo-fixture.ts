// The test repository: main holds the demo's base manifests under k8s/, the pull request's head the
// demo's head manifests (a public load balancer in front of Postgres, and more).
import { readdirSync, readFileSync } from "node:fs";
import type { FakeGitHub } from "./fake-github.js";

const demo = (side: "base" | "head") => {
  const dir = new URL(`../../fixtures/demo/${side}/`, import.meta.url);
  return Object.fromEntries(readdirSync(dir).map((f) => [`k8s/${f}`, readFileSync(new URL(f, dir), "utf8")]));
};

export interface TestRepo {
  readonly gh: FakeGitHub;
  readonly main: string;
  readonly head: string;
}

/** Fills a fake GitHub with the test repository: main, a head commit on top of it, PR #1 open. */
export function seedRepo(gh: FakeGitHub, config?: string): TestRepo {
  const root = gh.commit({
    "README.md": "# k8s config\n",
    ...demo("base"),
    ...(config === undefined ? {} : { ".github/reachdiff.yml": config }),
  });
  gh.branches.set("main", root);
  const head = gh.commit(demo("head"), root);
  gh.openPull(1, head);
  gh.collaborators.set("writer", "write");
  gh.collaborators.set("admin-person", "admin");
  gh.collaborators.set("reader", "read");
  return { gh, main: root, head };
}
