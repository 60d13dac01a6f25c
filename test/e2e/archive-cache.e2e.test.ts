// The archive cache in the App's service (the image's entry point, REACHDIFF_ARCHIVE_CACHE_DIR set as
// the image sets it) against the loopback GitHub: three pull requests on one base, a push on an
// unchanged base and a re-run fetch each commit once and unpack it once (the later reviews read the
// commit's selected files, the parsed result, back); /metrics says the hits, misses and bytes saved.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveCache } from "../../src/github/archive-cache.js";
import { useGitHub } from "./harness.js";
import type { TestRepo } from "./repo-fixture.js";
import { checkRunRerequestedEvent, pullRequestEvent } from "./webhooks.js";

const dir = mkdtempSync(join(tmpdir(), "reachdiff-cache-e2e-"));
const gh = useGitHub({
  app: { service: true, env: { REACHDIFF_ARCHIVE_CACHE_DIR: dir, REACHDIFF_WRITES_PER_MINUTE: "600" } },
});
const { fake, target } = gh;
let t: TestRepo;
/** Waits for the service to go quiet after each delivery (`gh.send` waits itself only on a 202). */
const send = async (event: string, payload: Record<string, unknown>) => {
  if ((await gh.send(event, payload)) === 200) await gh.settle();
};

/** One sample of a metric from Prometheus' text format. */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("archive cache through the App's service", () => {
  it("fetches each commit once across pull requests on one base, a push and a re-run", async () => {
    t = gh.repo;
    const ns = (name: string) => ({
      [`k8s/${name}.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`,
    });
    const head2 = fake.commit(ns("team-two"), t.main);
    const head3 = fake.commit(ns("team-three"), t.main);
    fake.openPull(2, head2);
    fake.openPull(3, head3);
    const pr = (number: number, head: string, action: "opened" | "synchronize" = "opened") =>
      pullRequestEvent(target(), action, { number, head, base: t.main });
    await send("pull_request", pr(1, t.head));
    await send("pull_request", pr(2, head2));
    await send("pull_request", pr(3, head3));
    // A push to #1: a new head on the same base.
    const head1b = fake.commit(ns("team-one"), t.head);
    fake.push(1, head1b);
    await send("pull_request", pr(1, head1b, "synchronize"));
    // "Re-run" of #1's check.
    const run = fake.checkRuns.find((r) => r.head_sha === head1b)!;
    await send(
      "check_run",
      checkRunRerequestedEvent(target(), {
        id: run.id,
        headSha: head1b,
        externalId: run.external_id!,
        number: 1,
        base: t.main,
      }),
    );

    // Five reviews, ten sides read; five commits: each downloaded once.
    const reviewed = [t.head, head2, head3, head1b].map((h) => fake.checkRuns.filter((r) => r.head_sha === h));
    expect(reviewed.map((runs) => runs.map((r) => r.conclusion))).toEqual([
      ["failure"],
      ["success"],
      ["success"],
      ["failure", "failure"],
    ]);
    // The check run's page (accepted by the OpenAPI-validating fake): findings with the decision trace.
    const page = reviewed[0][0];
    expect(page.output.text).toContain("### Findings");
    expect(page.output.text).toMatch(
      /`new-cross-namespace-flow`[\s\S]*Decision trace[\s\S]*Head:\n\n```text\n.*ALLOWED/,
    );
    expect(page.annotations.some((a) => (a as { raw_details?: string }).raw_details?.startsWith("Base:\n"))).toBe(true);
    const downloads = (sha: string) => fake.fetchesOf(sha).filter((r) => r.operationId === "codeload").length;
    expect([t.main, t.head, head2, head3, head1b].map(downloads)).toEqual([1, 1, 1, 1, 1]);

    const sizeOf = (sha: string) =>
      statSync(new ArchiveCache(dir, 1).path({ owner: fake.owner, repo: fake.repo }, sha)).size;
    const metrics = await (await fetch(`${gh.app.url}/metrics`)).text();
    const hits = sample(metrics, 'reachdiff_parsed_cache_requests_total{result="hit"}');
    const misses = sample(metrics, 'reachdiff_parsed_cache_requests_total{result="miss"}');
    const downloaded = sample(metrics, "reachdiff_archive_bytes_total");
    // Parsed hits: the base for #2, #3 and #1's push; base and head for the re-run. Those read no
    // archive at all; each miss finds no archive either (a new commit) and downloads it.
    expect([hits, misses]).toEqual([5, 5]);
    expect(sample(metrics, 'reachdiff_archive_cache_requests_total{result="hit"}')).toBe(0);
    expect(sample(metrics, 'reachdiff_archive_cache_requests_total{result="miss"}')).toBe(5);
    expect(sample(metrics, "reachdiff_archive_cache_saved_bytes_total")).toBe(0);
    const all = [t.main, t.head, head2, head3, head1b].reduce((sum, sha) => sum + sizeOf(sha), 0);
    expect(downloaded).toBe(all);
    // The folder: five archives and five parsed results, all within one budget.
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith(".files.gz")).length).toBe(5);
    const folder = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(sample(metrics, "reachdiff_archive_cache_bytes")).toBe(folder);
    const unpacked = 4 * sizeOf(t.main) + sizeOf(head1b);
    console.log(
      `parsed cache: ${hits} hits / ${hits + misses} sides (${Math.round((100 * hits) / (hits + misses))}%), ${downloaded} bytes downloaded once, ${unpacked} bytes of archives not read nor unpacked again`,
    );
  }, 120_000);
});
