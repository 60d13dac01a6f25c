// The App service's HTTP side: the webhook intake (signature checked, the delivery queued, 202 in
// milliseconds; 503 when the queue is full, draining or unreachable, so that GitHub records a failed
// delivery the sweep asks to redeliver), /healthz (the process answers), /readyz (the queue's store
// answers and the process is not draining), /metrics (Prometheus text).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Probot } from "probot";
import { APP_EVENTS } from "../github/events.js";
import { type DeliveryJob, type JobQueue, Refused } from "../queue/job.js";
import type { Metrics } from "./metrics.js";

/** The events and actions the App acts on (app.ts handles the same list); any other is answered and dropped. */
const QUEUED = new Set<string>(APP_EVENTS);
/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY = 25 * 2 ** 20;

export interface HttpOptions {
  readonly probot: Probot;
  readonly queue: JobQueue;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly webhookPath: string;
  /** Whether this process takes webhooks (web and all roles). */
  readonly intake: boolean;
  readonly draining: () => boolean;
  /** Called once a delivery is queued (after the answer is on its way). */
  readonly queued?: (job: DeliveryJob) => void;
}

async function body(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}

async function webhook(o: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = String(req.headers["x-github-event"] ?? "");
  const id = String(req.headers["x-github-delivery"] ?? "");
  const signature = String(req.headers["x-hub-signature-256"] ?? "");
  const text = await body(req);
  if (text === undefined) return send(res, 413, "payload too large");
  if (!name || !id || !signature)
    return send(res, 400, "missing X-GitHub-Event, X-GitHub-Delivery or X-Hub-Signature-256");
  if (!(await o.probot.webhooks.verify(text, signature).catch(() => false)))
    return send(res, 400, "signature does not match");
  // biome-ignore lint/suspicious/noExplicitAny: a webhook payload, only its action read here
  let payload: any;
  try {
    payload = JSON.parse(text);
  } catch {
    return send(res, 400, "the payload is not JSON");
  }
  const event = `${name}.${payload?.action ?? ""}`;
  if (!QUEUED.has(event)) return send(res, 200, `${event}: nothing to do`);
  const job: DeliveryJob = { id, name, payload, receivedAt: Date.now() };
  try {
    await o.queue.add(job);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    o.metrics.refused.inc({ reason: error.reason });
    o.log.warn({ deliveryId: id, event: name, reason: error.reason }, `delivery ${id} refused: ${error.message}`);
    return send(res, 503, error.message, { "retry-after": "60" });
  }
  send(res, 202, `queued ${id}`);
  o.queued?.(job);
}

export function startHttp(o: HttpOptions, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").replace(/\?.*$/, "");
    const route = async () => {
      if (req.method === "POST" && path === o.webhookPath && o.intake) return webhook(o, req, res);
      if (req.method !== "GET") return send(res, 404, "not found");
      if (path === "/healthz") return send(res, 200, "ok");
      if (path === "/readyz") {
        if (o.draining()) return send(res, 503, "draining");
        return (await o.queue.ready()) ? send(res, 200, "ready") : send(res, 503, "the queue's store does not answer");
      }
      if (path === "/metrics") {
        const text = await o.metrics.registry.metrics();
        return send(res, 200, text, { "content-type": o.metrics.registry.contentType });
      }
      send(res, 404, "not found");
    };
    route().catch((error) => {
      o.log.error({ error: (error as Error).message }, `${req.method} ${path} failed`);
      if (!res.headersSent) send(res, 500, "internal error");
      else res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
