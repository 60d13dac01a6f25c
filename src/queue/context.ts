// The job a review runs for, seen from inside the App's handler (AsyncLocalStorage: probot calls the
// handler, not us): whether to adopt a check run a previous attempt left, and where its outcome goes.
import { AsyncLocalStorage } from "node:async_hooks";
import type { JobContext } from "./job.js";

interface Slot {
  readonly context: JobContext;
  outcome?: string;
}

const store = new AsyncLocalStorage<Slot>();

/** Runs `work` as the job `context`; resolves with the outcome the handler reported (or "done"). */
export async function runAsJob(context: JobContext, work: () => Promise<unknown>): Promise<string> {
  const slot: Slot = { context };
  await store.run(slot, work);
  return slot.outcome ?? "done";
}

/** Settings of the review path for the current job (none outside a job: `probot run`, the Action). */
export function jobSettings(): { adoptCheck?: boolean } {
  const job = store.getStore()?.context;
  return job?.retry ? { adoptCheck: true } : {};
}

/** Whether the current handler runs as a queued job (the queue then dedupes deliveries and retries on purpose). */
export function inJob(): boolean {
  return store.getStore() !== undefined;
}

export function reportOutcome(outcome: string): void {
  const slot = store.getStore();
  if (slot) slot.outcome = outcome;
}
