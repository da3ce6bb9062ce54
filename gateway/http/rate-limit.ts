import type { Context } from 'koa';
import { HttpError } from './errors.js';

/** The verdict on one request: let through, or wait `retryAfterS` seconds (whole, at least 1). */
export type Verdict = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: `perSecond` requests a second on average, up to
 * `burst` at once. Buckets that have refilled are forgotten, and at most
 * `maxClients` are kept (the oldest goes first), so memory stays bounded
 * whatever the number of clients. `now` is in ms (injectable for tests).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 10_000,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`rate limit: expected perSecond > 0 and burst >= 1, got ${perSecond} and ${burst}`);
  }

  /** Takes one request's token for `client`. */
  take(client: string): Verdict {
    const t = this.now();
    const b = this.buckets.get(client);
    let tokens = this.burst;
    if (b) {
      tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
      this.buckets.delete(client);
    }
    if (tokens < 1) {
      this.buckets.set(client, { tokens, at: t });
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / this.perSecond)) };
    }
    this.buckets.set(client, { tokens: tokens - 1, at: t });
    // Map order is insertion order: re-inserting on each take keeps the least recent client first
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return { ok: true };
  }

  /** Clients currently tracked. */
  get size(): number {
    return this.buckets.size;
  }
}

/** Throws 429 with Retry-After when the request's client (its address) is over the limit. */
export function enforceRate(limiter: RateLimiter, ctx: Context): void {
  const v = limiter.take(ctx.ip);
  if (v.ok) return;
  throw new HttpError(429, 'RATE_LIMITED', `rate: expected at most ${limiter.perSecond} request(s)/s per client (burst ${limiter.burst}); retry after ${v.retryAfterS} s`, {
    headers: { 'retry-after': String(v.retryAfterS) },
    retriable: true,
  });
}
