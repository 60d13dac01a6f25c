// The App's own delivery log (GET /app/hook/deliveries, authenticated as the App): GitHub never
// redelivers a failed webhook by itself, so the sweep asks for it (POST .../attempts) for each event
// whose every delivery failed (a 503 while Redis was away or the queue full, a timeout, a crash).
import type { GitHub } from "./types.js";

export interface Delivery {
  readonly id: number;
  readonly guid: string;
  readonly deliveredAt: number;
  readonly statusCode: number;
  readonly event: string;
  readonly action?: string | null;
}

const ok = (code: number) => code >= 200 && code < 400;

/**
 * Events delivered since `since` (ms) none of whose deliveries succeeded: the latest failed delivery of
 * each. Reads the log newest first, at most `maxPages` pages of 100.
 */
export async function failedDeliveries(app: GitHub, since: number, maxPages = 10): Promise<Delivery[]> {
  const byGuid = new Map<string, Delivery[]>();
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { data, headers } = await app.rest.apps.listWebhookDeliveries({
      per_page: 100,
      ...(cursor ? { cursor } : {}),
    });
    let older = false;
    for (const d of data) {
      const at = Date.parse(d.delivered_at);
      if (at < since) {
        older = true;
        continue;
      }
      const list = byGuid.get(d.guid) ?? [];
      list.push({
        id: d.id,
        guid: d.guid,
        deliveredAt: at,
        statusCode: d.status_code,
        event: d.event,
        action: d.action,
      });
      byGuid.set(d.guid, list);
    }
    cursor = /[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(String(headers.link ?? ""))?.[1];
    if (older || !cursor || !data.length) break;
  }
  const failed: Delivery[] = [];
  for (const list of byGuid.values()) {
    if (list.some((d) => ok(d.statusCode))) continue;
    failed.push(list.reduce((a, b) => (b.deliveredAt > a.deliveredAt ? b : a)));
  }
  return failed.sort((a, b) => a.deliveredAt - b.deliveredAt);
}

export async function redeliver(app: GitHub, delivery: Delivery): Promise<void> {
  await app.rest.apps.redeliverWebhookDelivery({ delivery_id: delivery.id });
}
