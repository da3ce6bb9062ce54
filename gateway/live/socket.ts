import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { bearerMatches } from '../http/auth.js';
import { hostAllowed, hostRefusal, LOOPBACK_HOSTS } from '../http/host.js';
import type { ServerEvents } from '../../domain/live/protocol.js';
import type { LiveStatus } from './status.js';

export interface SocketOptions {
  token: string;
  openReads: boolean;
  /** Origins besides the gateway's own that may connect (GATEWAY_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  /** Host names the handshake may name (gateway/http/host.ts; null = any); default loopback only. */
  allowedHosts?: readonly string[] | null;
}

/**
 * Whether a handshake's Origin may open the stream: none (not a browser, or a
 * same-origin request the browser sent without one), the gateway's own origin
 * (the Host it was reached at), or one of the configured extra origins.
 * WebSockets are not covered by CORS, so without this any page could read the
 * live status from a visitor's browser.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && url.host === host.toLowerCase()) return true;
  return allowed.includes(url.origin);
}

/** The handshake's token (`auth: { token }`) is the gateway's. */
function hasToken(auth: unknown, token: string): boolean {
  const t = (auth as { token?: unknown } | undefined)?.token;
  return typeof t === 'string' && bearerMatches(`Bearer ${t}`, token);
}

/**
 * Socket.IO on the gateway's HTTP server: a snapshot on connect, then ticks
 * (volatile: a slow client skips ticks instead of queueing them), model-list,
 * accuracy and training-log updates as they happen. The Origin is checked on
 * every handshake. When reads are closed the handshake must carry the token
 * (`auth: { token }`). Clients send no events today; any event a client sends
 * is a write and is refused unless its handshake carried the token, so a
 * write action added later cannot be left open.
 */
export function attachSocket(server: HttpServer, status: LiveStatus, opts: SocketOptions): Server<Record<string, never>, ServerEvents> {
  const hosts = opts.allowedHosts === undefined ? LOOPBACK_HOSTS : opts.allowedHosts;
  const io = new Server<Record<string, never>, ServerEvents>(server, {
    serveClient: false,
    path: '/socket.io',
    pingInterval: 10_000,
    pingTimeout: 8_000,
    allowRequest: (req: IncomingMessage, cb) => {
      // Host first: the origin check below trusts it to be the gateway's own name
      if (!hostAllowed(req.headers.host, hosts)) return cb(hostRefusal(req.headers.host, hosts ?? []), false);
      const ok = originAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins);
      cb(ok ? null : `origin: expected the gateway's own origin or one of GATEWAY_ALLOWED_ORIGINS, got ${req.headers.origin}`, ok);
    },
  });
  io.use((socket, next) => {
    const writer = hasToken(socket.handshake.auth, opts.token);
    if (!opts.openReads && !writer) return next(new Error('unauthorized: a token is required to read the live status'));
    socket.data.writer = writer;
    next();
  });
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      if (socket.data.writer === true) return next();
      const message = `unauthorized: "${String(packet[0])}" is a write; connect with auth: { token } to send it`;
      // the refusal reaches the client through its acknowledgement, when it asked for one
      const ack = packet[packet.length - 1];
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ error: { code: 'UNAUTHORIZED', message } });
      next(new Error(message));
    });
    socket.emit('snapshot', status.snapshot());
  });
  status.on('tick', (t) => io.volatile.emit('tick', t));
  status.on('models', (m) => io.emit('models', m));
  status.on('accuracy', (a) => io.emit('accuracy', a));
  status.on('training', (l) => io.emit('training', l));
  return io;
}
