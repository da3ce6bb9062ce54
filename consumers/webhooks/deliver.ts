/**
 * Webhook delivery, pure but for `fetch`: the JSON body of a registry event
 * and the POST with retries, signed the Standard Webhooks way
 * (https://www.standardwebhooks.com): `webhook-id` (the same on every retry:
 * receivers dedupe on it), `webhook-timestamp` (Unix seconds of this attempt:
 * receivers reject old ones, so a captured request cannot be replayed later)
 * and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
 * so the reference libraries of every language verify it. Redirects are not
 * followed: a signed body goes only where it was configured to go.
 */
import { createHmac } from 'node:crypto';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';

export type WebhookEvent = { type: 'model.trained'; event: ModelTrained } | { type: 'model.promoted'; event: ModelPromoted };

/** A stable id per event (receivers dedupe on it: deliveries are at least once). */
export function webhookId(e: WebhookEvent): string {
  return e.type === 'model.trained' ? `model.trained:${e.event.runId}` : `model.promoted:${e.event.version}:${e.event.promotedAt}`;
}

/** The body sent for an event: its type, its id and the event. */
export function webhookBody(e: WebhookEvent, deliveredAt: number): string {
  return JSON.stringify({ id: webhookId(e), type: e.type, deliveredAt: new Date(deliveredAt).toISOString(), event: e.event });
}

/** The signing key of a Standard Webhooks secret: base64 after an optional `whsec_` prefix, as the reference libraries read it. */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/** The `webhook-signature` value for one attempt (empty secret: none). */
export function signature(id: string, timestampS: number, body: string, secret: string): string | null {
  if (!secret) return null;
  return `v1,${createHmac('sha256', signingKey(secret)).update(`${id}.${timestampS}.${body}`).digest('base64')}`;
}

/** The headers of one attempt: the Standard Webhooks trio (signature only when signed) and the attempt number. */
export function webhookHeaders(id: string, timestampS: number, body: string, secret: string, attempt: number): Record<string, string> {
  const sig = signature(id, timestampS, body, secret);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    ...(sig ? { 'webhook-signature': sig } : {}),
    'x-forecast-attempt': String(attempt),
  };
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** the last failure, when not ok */
  reason: string;
}

/**
 * POSTs `body` (message `id`) to `url` up to `maxAttempts` times (backoff
 * `baseMs` doubling, capped at 30 s), signed afresh each attempt; a 2xx
 * answer ends it, a redirect counts as a failure. `now` is in ms (tests).
 */
export async function deliver(url: string, id: string, body: string, secret: string, maxAttempts: number, baseMs = 500, now: () => number = Date.now): Promise<DeliveryResult> {
  let reason = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: webhookHeaders(id, Math.floor(now() / 1000), body, secret, attempt),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return { ok: true, attempts: attempt, reason: '' };
      reason = res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: redirects are not followed` : `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      reason = (err as Error).message;
    }
    if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, Math.min(30_000, baseMs * 2 ** (attempt - 1))));
  }
  return { ok: false, attempts: maxAttempts, reason };
}
