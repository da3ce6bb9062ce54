/**
 * Webhook delivery, pure but for `fetch`: the signed JSON body of a registry
 * event and the POST with retries. The signature is an HMAC-SHA256 of the
 * exact body bytes with the shared secret (header `x-forecast-signature:
 * sha256=<hex>`), so a receiver verifies before it parses.
 */
import { createHmac } from 'node:crypto';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';

export type WebhookEvent = { type: 'model.trained'; event: ModelTrained } | { type: 'model.promoted'; event: ModelPromoted };

/** The body sent for an event: its type, a stable id (receivers dedupe on it: deliveries are at least once) and the event. */
export function webhookBody(e: WebhookEvent, deliveredAt: number): string {
  const id = e.type === 'model.trained' ? `model.trained:${e.event.runId}` : `model.promoted:${e.event.version}:${e.event.promotedAt}`;
  return JSON.stringify({ id, type: e.type, deliveredAt: new Date(deliveredAt).toISOString(), event: e.event });
}

/** The signature header value of `body` (empty secret: no signature). */
export function signature(body: string, secret: string): string | null {
  return secret ? `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` : null;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** the last failure, when not ok */
  reason: string;
}

/** POSTs `body` to `url` up to `maxAttempts` times (backoff `baseMs` doubling, capped at 30 s); a 2xx answer ends it. */
export async function deliver(url: string, body: string, secret: string, maxAttempts: number, baseMs = 500): Promise<DeliveryResult> {
  const sig = signature(body, secret);
  let reason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sig ? { 'x-forecast-signature': sig } : {}), 'x-forecast-attempt': String(attempt) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return { ok: true, attempts: attempt, reason: '' };
      reason = `HTTP ${res.status}`;
    } catch (err) {
      reason = (err as Error).message;
    }
    if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, Math.min(30_000, baseMs * 2 ** (attempt - 1))));
  }
  return { ok: false, attempts: maxAttempts, reason };
}
