/**
 * The Host allow-list: a DNS-rebinding page (evil.example re-pointed at
 * 127.0.0.1) reaches the gateway with its own name in `Host`, so refusing
 * names the gateway does not answer to closes the write endpoints, the
 * reads and the live stream to it, whatever token is configured. Loopback
 * names are always allowed; GATEWAY_ALLOWED_HOSTS adds others (`*` turns
 * the check off, for a proxy that rewrites Host itself).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Config } from '../../lib/config.js';

/** The names every gateway answers to. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * The names this gateway answers to: loopback, GATEWAY_HOST when it is one
 * address or name (not 0.0.0.0 or ::), and GATEWAY_ALLOWED_HOSTS; null when
 * that list holds `*`.
 */
export function allowedHosts(cfg: Readonly<Pick<Config, 'gateway'>>): string[] | null {
  const extra = cfg.gateway.allowedHosts;
  if (extra.includes('*')) return null;
  const listen = hostName(cfg.gateway.host.includes(':') && !cfg.gateway.host.startsWith('[') ? `[${cfg.gateway.host}]` : cfg.gateway.host);
  const own = listen && listen !== '0.0.0.0' && listen !== '::' ? [listen] : [];
  return [...new Set([...LOOPBACK_HOSTS, ...own, ...extra])];
}

/** The host name of a Host header, lower case, without port or IPv6 brackets; null when absent or malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const v6 = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h);
  if (v6) return v6[1]!;
  const m = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m ? m[1]!.replace(/\.$/, '') : null;
}

/** Whether a request's Host header names one of `allowed` (null = any host). */
export function hostAllowed(header: string | undefined, allowed: readonly string[] | null): boolean {
  if (allowed === null) return true;
  const name = hostName(header);
  return name !== null && allowed.includes(name);
}

/** The refusal's message: names the setting and what was expected, shows (a bounded piece of) what came. */
export function hostRefusal(header: string | undefined, allowed: readonly string[]): string {
  return `host: expected one of ${allowed.join(', ')} (GATEWAY_ALLOWED_HOSTS adds names), got ${JSON.stringify((header ?? '').slice(0, 100))}`;
}

/** Wraps a request listener: a request whose Host is not allowed gets 403 HOST_NOT_ALLOWED before anything else reads it. */
export function guardHost(allowed: readonly string[] | null, next: RequestListener): RequestListener {
  if (allowed === null) return next;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (hostAllowed(req.headers.host, allowed)) return next(req, res);
    const body = JSON.stringify({ error: { code: 'HOST_NOT_ALLOWED', message: hostRefusal(req.headers.host, allowed) } });
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  };
}
