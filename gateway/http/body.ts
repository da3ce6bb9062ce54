import type { Context } from 'koa';
import { ValidationError } from '../../lib/errors.js';
import { HttpError } from './errors.js';

/** Default request body limit in bytes (1 MiB: a full batch of 1,000 items is about 100 KB). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a JSON request body, refusing more than `limit` bytes (413) as soon
 * as they arrive, a media type other than JSON (415) and malformed JSON
 * (400 naming `body`). An empty body reads as `undefined` (the caller decides
 * whether a body is required).
 */
export async function readJson(ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (declared > limit) throw tooLarge(limit);
  const raw = await readRaw(ctx, limit);
  if (raw.length === 0) return undefined;
  if (!ctx.is('application/json', 'json', '+json')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `body: expected content-type application/json, got ${ctx.get('content-type') || 'none'}`);
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new ValidationError('body', `valid JSON (${(err as Error).message})`);
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `body: expected at most ${limit} bytes`);
}

function readRaw(ctx: Context, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const req = ctx.req;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        // stop reading: the response goes out now and the socket closes after it
        ctx.set('connection', 'close');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      // answered like any invalid field (400 with details), should the client still be listening
      reject(new ValidationError('body', `a body that can be read to its end (${err.message})`));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
