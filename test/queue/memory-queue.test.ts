// The in-process queue's rules, on plain jobs: bounded, one job of a pull request at a time, a newer
// review event replaces the waiting one, a delivery id taken once; and the memory-based sizing.
import { describe, expect, it } from "vitest";
import { type DeliveryJob, Refused } from "../../src/queue/job.js";
import { MemoryQueue } from "../../src/queue/memory.js";
import { concurrencyFor } from "../../src/service/settings.js";

const pr = (id: string, number: number, head: string, action = "synchronize"): DeliveryJob => ({
  id,
  name: "pull_request",
  receivedAt: Date.now(),
  payload: {
    action,
    installation: { id: 1 },
    repository: { full_name: "o/r" },
    pull_request: { number, head: { sha: head } },
  },
});
const command = (id: string, number: number): DeliveryJob => ({
  id,
  name: "issue_comment",
  receivedAt: Date.now(),
  payload: { action: "created", installation: { id: 1 }, repository: { full_name: "o/r" }, issue: { number } },
});

/** A processor whose jobs end when the test says so; records what ran and what ran at once. */
function gate() {
  const started: string[] = [];
  const open = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  const processor = (job: DeliveryJob) =>
    new Promise<string>((resolve) => {
      started.push(`${job.id}:${job.payload.pull_request?.head?.sha ?? ""}`);
      most = Math.max(most, ++running);
      open.set(job.id, () => {
        running--;
        resolve("reviewed");
      });
    });
  const finish = async (id: string) => {
    open.get(id)!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { started, processor, finish, most: () => most };
}

describe("MemoryQueue", () => {
  it("runs one job of a pull request at a time and keeps only the newest waiting review", async () => {
    const q = new MemoryQueue(10);
    const g = gate();
    q.process(g.processor, 2);
    await q.add(pr("a", 1, "h1", "opened"));
    await q.add(pr("b", 1, "h2"));
    await q.add(pr("c", 1, "h3"));
    await q.add(pr("d", 2, "x1", "opened"));
    expect(g.started).toEqual(["a:h1", "d:x1"]);
    expect((await q.counts()).waiting).toBe(1);
    await g.finish("a");
    expect(g.started).toEqual(["a:h1", "d:x1", "c:h3"]);
    await g.finish("c");
    await g.finish("d");
    expect(g.most()).toBe(2);
  });

  it("never drops a command, and runs it after the review of its pull request", async () => {
    const q = new MemoryQueue(10);
    const g = gate();
    q.process(g.processor, 2);
    await q.add(pr("a", 1, "h1", "opened"));
    await q.add(command("k", 1));
    await q.add(pr("b", 1, "h2"));
    expect(g.started).toEqual(["a:h1"]);
    await g.finish("a");
    expect(g.started).toEqual(["a:h1", "k:"]);
    await g.finish("k");
    expect(g.started).toEqual(["a:h1", "k:", "b:h2"]);
  });

  it("takes a delivery id once, refuses past its bound, and refuses while draining", async () => {
    const q = new MemoryQueue(1);
    const g = gate();
    q.process(g.processor, 1);
    await q.add(pr("a", 1, "h1", "opened"));
    await q.add(pr("a", 1, "h1", "opened"));
    await q.add(pr("b", 2, "x1", "opened"));
    await expect(q.add(pr("c", 3, "y1", "opened"))).rejects.toMatchObject({ reason: "full" });
    await expect(q.add(pr("c", 3, "y1", "opened"))).rejects.toBeInstanceOf(Refused);
    expect(g.started).toEqual(["a:h1"]);
    const drained = q.drain(5_000);
    await expect(q.add(pr("d", 4, "z1", "opened"))).rejects.toMatchObject({ reason: "draining" });
    await g.finish("a");
    await g.finish("b");
    expect(await drained).toEqual([]);
  });

  it("hands back what did not finish within the grace period", async () => {
    const q = new MemoryQueue(5);
    const g = gate();
    q.process(g.processor, 1);
    await q.add(pr("a", 1, "h1", "opened"));
    await q.add(pr("b", 2, "x1", "opened"));
    expect((await q.drain(50)).map((j) => j.id)).toEqual(["a", "b"]);
  });
});

describe("concurrencyFor", () => {
  it("fits reviews of the given heap beside the process, at least one, at most the cap", () => {
    expect(concurrencyFor(8 * 2 ** 30, 1024, 4)).toBe(4);
    expect(concurrencyFor(3 * 2 ** 30, 1024, 4)).toBe(2);
    expect(concurrencyFor(512 * 2 ** 20, 1024, 4)).toBe(1);
  });
});
