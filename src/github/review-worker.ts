// The worker-thread side of reviewFetched (fetch-sides.ts): renders and analyses both fetched sides
// and sends back what the review publishes. Runs nothing but the shared review path.
import { parentPort, workerData } from "node:worker_threads";
import { reviewFetchedHere, type FetchedReview } from "./fetch-sides.js";

const input = workerData as FetchedReview;
reviewFetchedHere(input).then(
  (summary) => parentPort!.postMessage({ summary }),
  (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
