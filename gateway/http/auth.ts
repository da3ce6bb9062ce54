import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { ConfigError } from '../../lib/errors.js';
import { HttpError } from './errors.js';

/** Whether an Authorization header carries exactly `Bearer <token>` (constant-time compare). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a request's bearer token: 401 when missing, 403 when wrong. */
export function assertBearer(ctx: Context, token: string): void {
  const header = ctx.get('authorization');
  if (!header) {
    throw new HttpError(401, 'UNAUTHORIZED', 'authorization: expected a bearer token (Authorization: Bearer <token>)', {
      headers: { 'www-authenticate': 'Bearer realm="forecast-gateway"' },
    });
  }
  if (!bearerMatches(header, token)) throw new HttpError(403, 'FORBIDDEN', 'authorization: the bearer token is not valid');
}

/** The token `.env.example` used to ship with: well known, so refused everywhere (a DNS-rebinding page can reach loopback). */
export const DEFAULT_TOKEN = 'change-me';
/** Shortest token accepted when the gateway listens beyond loopback (32 characters: `openssl rand -hex 16` or more). */
export const MIN_EXPOSED_TOKEN_LENGTH = 32;

/** Whether a listen address only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * Refuses to expose the write endpoints with a guessable token: never the old
 * default, and off loopback at least 32 characters. Throws a ConfigError
 * naming GATEWAY_TOKEN and what is expected.
 */
export function assertTokenFitsHost(host: string, token: string): void {
  if (token === DEFAULT_TOKEN) {
    throw new ConfigError(`GATEWAY_TOKEN: expected a secret, not the well-known "${DEFAULT_TOKEN}"; leave it unset for a random one per start, or generate one with: openssl rand -hex 32`);
  }
  if (isLoopback(host)) return;
  const why = token.length < MIN_EXPOSED_TOKEN_LENGTH ? `${token.length} characters long` : null;
  if (why === null) return;
  throw new ConfigError(
    `GATEWAY_TOKEN: expected a secret of at least ${MIN_EXPOSED_TOKEN_LENGTH} characters because GATEWAY_HOST=${host} is not a loopback address; ` +
      `it is ${why}. Generate one with: openssl rand -hex 32`,
  );
}
