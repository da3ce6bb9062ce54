/**
 * POST /v1/predict in front of Koa. A profile of the single-item path showed
 * most of a request's CPU in the framework (middleware composition, router
 * matching, context objects, body helpers), not in predicting. This handler
 * takes only requests it answers exactly as the declared route would, and
 * leaves everything else to Koa before touching the body: another path or
 * method, a query string, a body that is not declared JSON or is over the
 * limit, closed reads without exactly the token, or a configured rate limit.
 * What it takes goes through the same handler (handler.ts), errors through
 * the same `toResponse`, and the same latency histogram, live latency sink
 * and access log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationError } from '../../lib/errors.js';
import type { AccessEntry, Logger } from '../../lib/log.js';
import type { GatewayMetrics } from '../metrics.js';
import { bearerMatches } from '../http/auth.js';
import { HttpError, toResponse } from '../http/errors.js';
import type { LatencySink } from '../http/timing.js';
import type { PredictHandler } from './handler.js';

const PATH = '/v1/predict';
const JSON_TYPE = 'application/json; charset=utf-8';

export interface FastPathOptions {
  handler: PredictHandler;
  bodyLimit: number;
  /** The token, when reads need it (GATEWAY_OPEN_READS=false); null when reads are open. */
  readToken: string | null;
  metrics: GatewayMetrics;
  latency?: LatencySink;
  access?: (e: AccessEntry) => void;
  log: Logger;
}

/** A request listener step: true when it took the request, false to pass it on to Koa untouched; `taken` counts what it took. */
export interface FastPath {
  (req: IncomingMessage, res: ServerResponse): boolean;
  taken: number;
}

export function predictFastPath(o: FastPathOptions): FastPath {
  const step = ((req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    const type = req.headers['content-type'];
    if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) return false;
    const declared = Number(req.headers['content-length']);
    if (!(declared > 0 && declared <= o.bodyLimit)) return false;
    if (o.readToken !== null && !bearerMatches(req.headers.authorization, o.readToken)) return false;
    step.taken++;
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      chunks.push(c);
    });
    req.on('end', () => {
      // the declared length bounds what node reads, so the body is within the limit here
      answer(o, Buffer.concat(chunks, size)).then(
        (r) => send(o, res, r, t0),
        (err: unknown) => send(o, res, failure(o, err), t0),
      );
    });
    req.on('error', (err) => send(o, res, failure(o, new ValidationError('body', `a body that can be read to its end (${err.message})`)), t0));
    return true;
  }) as FastPath;
  step.taken = 0;
  return step;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

async function answer(o: FastPathOptions, raw: Buffer): Promise<Reply> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ValidationError('body', `valid JSON (${(err as Error).message})`);
  }
  return { status: 200, body: await o.handler.answer(o.handler.parse(parsed)), headers: {} };
}

/** The error answer the Koa error middleware would give; server-side failures are logged as app.on('error') does. */
function failure(o: FastPathOptions, err: unknown): Reply {
  const r = toResponse(err);
  if (r.status >= 500 && !(err instanceof HttpError)) o.log.error(`POST ${PATH}: ${(err as Error)?.message ?? String(err)}`);
  return { status: r.status, body: JSON.stringify(r.body), headers: r.headers };
}

function send(o: FastPathOptions, res: ServerResponse, r: Reply, t0: number): void {
  if (res.headersSent) return;
  const bytes = Buffer.byteLength(r.body);
  res.writeHead(r.status, { ...r.headers, 'content-type': JSON_TYPE, 'content-length': bytes });
  res.end(r.body);
  const ms = performance.now() - t0;
  o.metrics.httpDuration.observe({ method: 'POST', route: PATH, status: String(r.status) }, ms / 1000);
  o.latency?.(PATH, ms);
  o.access?.({ method: 'POST', path: PATH, route: PATH, status: r.status, ms, bytes });
}
