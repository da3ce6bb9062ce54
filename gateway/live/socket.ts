import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { bearerMatches } from '../http/auth.js';
import type { ServerEvents } from '../../domain/live/protocol.js';
import type { LiveStatus } from './status.js';

/**
 * Socket.IO on the gateway's HTTP server: a snapshot on connect, then ticks
 * (volatile: a slow client skips ticks instead of queueing them), model-list,
 * accuracy and training-log updates as they happen. When reads are closed
 * the handshake must carry the token (`auth: { token }`).
 */
export function attachSocket(server: HttpServer, status: LiveStatus, opts: { token: string; openReads: boolean }): Server<Record<string, never>, ServerEvents> {
  const io = new Server<Record<string, never>, ServerEvents>(server, { serveClient: false, path: '/socket.io', pingInterval: 10_000, pingTimeout: 8_000 });
  if (!opts.openReads) {
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (typeof token === 'string' && bearerMatches(`Bearer ${token}`, opts.token)) next();
      else next(new Error('unauthorized: a token is required to read the live status'));
    });
  }
  io.on('connection', (socket) => {
    socket.emit('snapshot', status.snapshot());
  });
  status.on('tick', (t) => io.volatile.emit('tick', t));
  status.on('models', (m) => io.emit('models', m));
  status.on('accuracy', (a) => io.emit('accuracy', a));
  status.on('training', (l) => io.emit('training', l));
  return io;
}
