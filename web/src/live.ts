/**
 * The dashboard's live state, fed by Socket.IO. The gateway sends a snapshot
 * on every (re)connection and then small messages; this module only keeps
 * them, appending tick values to the columns uPlot draws in place.
 */
import { io, type Socket } from 'socket.io-client';
import type { AccuracyColumns } from '../../domain/live/accuracy.js';
import type { Component, DecayPoint, ModelState, ModelsMessage, PaceStatus, ServerEvents, Snapshot, StatusColumns, StatusKey, Totals, TrainingLine } from '../../domain/live/protocol.js';
import { Store } from './store.js';
import { addDecayPoint } from '../../domain/live/decay-points.js';

const KEYS: StatusKey[] = ['sales', 'requests', 'trained', 'promoted', 'dead', 'matLag', 'gwLag', 'rows', 'p50', 'p99', 'rps'];
const CAP = 300;
const LOG_CAP = 600;

export interface LiveState {
  connected: boolean;
  /** The gateway refused the connection: reads are closed and a token is needed. */
  needsToken: boolean;
  /** Bumped on every change of `columns` (their arrays are mutated in place). */
  version: number;
  columns: StatusColumns;
  totals: Totals | null;
  components: Component[];
  model: ModelState | null;
  accuracy: AccuracyColumns;
  models: ModelsMessage;
  training: TrainingLine[];
  /** The decay windows measured (gateway snapshot, then `decay` lines as they arrive). */
  decay: DecayPoint[];
  /** The simulator's pace (simulation.pace), null before the first snapshot. */
  pace: PaceStatus | null;
  lastTickAt: number;
}

function emptyColumns(): StatusColumns {
  return { t: [], ...Object.fromEntries(KEYS.map((k) => [k, []])) } as unknown as StatusColumns;
}

export const live = new Store<LiveState>({
  connected: false,
  needsToken: false,
  version: 0,
  columns: emptyColumns(),
  totals: null,
  components: [],
  model: null,
  accuracy: { weeks: [], versions: [], wape: [], overall: [] },
  models: { champion: null, models: [], requests: [] },
  training: [],
  decay: [],
  pace: null,
  lastTickAt: 0,
});

let socket: Socket<ServerEvents> | null = null;

/** Connects once; Socket.IO reconnects by itself (with backoff) when the gateway restarts. */
export function connectLive(token: () => string | null): void {
  if (socket) return;
  socket = io({ path: '/socket.io', transports: ['websocket', 'polling'], reconnectionDelayMax: 3000, auth: (cb) => cb({ token: token() ?? '' }) });
  socket.on('connect', () => live.set((s) => ({ ...s, connected: true, needsToken: false })));
  socket.on('connect_error', (err) => {
    // a refused handshake is not retried by Socket.IO; the dashboard asks for the token and calls reconnectLive
    if (/unauthorized/.test(err.message)) live.set((s) => ({ ...s, needsToken: true }));
  });
  socket.on('disconnect', () => live.set((s) => ({ ...s, connected: false })));
  socket.on('snapshot', (snap: Snapshot) =>
    live.set((s) => ({
      ...s,
      version: s.version + 1,
      columns: snap.columns,
      totals: snap.totals,
      components: snap.components,
      model: snap.model,
      accuracy: snap.accuracy,
      models: snap.models,
      training: snap.training.slice(-LOG_CAP),
      // a gateway from before the decay chart sends none
      decay: snap.decay ?? [],
      pace: snap.pace,
      lastTickAt: Date.now(),
    })),
  );
  socket.on('tick', (t) =>
    live.set((s) => {
      const c = s.columns;
      c.t.push(t.t);
      for (const k of KEYS) c[k].push(t.values[k]);
      if (c.t.length > CAP) {
        c.t.shift();
        for (const k of KEYS) c[k].shift();
      }
      return { ...s, version: s.version + 1, totals: t.totals, components: t.components, model: t.model, pace: t.pace, lastTickAt: Date.now() };
    }),
  );
  socket.on('models', (m) => live.set((s) => ({ ...s, models: m })));
  socket.on('accuracy', (a) => live.set((s) => ({ ...s, accuracy: a })));
  socket.on('training', (l) =>
    live.set((s) => ({ ...s, training: [...s.training.slice(-(LOG_CAP - 1)), l], decay: l.decay ? addDecayPoint(s.decay, l.decay) : s.decay })),
  );
}

/** Reconnects (after the token changed). */
export function reconnectLive(): void {
  socket?.disconnect().connect();
}
