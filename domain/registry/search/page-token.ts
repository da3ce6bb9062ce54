/**
 * Opaque page tokens of a run search: the offset of the next page and a
 * fingerprint of the query it belongs to, base64url-encoded. The same token
 * with the same query gives the same page (results are ordered to the
 * version, so ties never reorder); a token used with another filter or
 * order, or one that was edited, is refused naming `page_token`.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../../lib/errors.js';

const VERSION = 1;
/** Furthest offset a token may carry (a registry of this many versions is far beyond one gateway's fold). */
const MAX_OFFSET = 1_000_000;

/** What a page depends on besides its offset: which listing, the filter and the order as given. */
export function fingerprint(listing: string, filter: string, orderBy: string): string {
  return createHash('sha256').update(JSON.stringify([listing, filter.trim(), orderBy.trim()])).digest('hex').slice(0, 16);
}

export function encodePageToken(offset: number, fp: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, o: offset, f: fp })).toString('base64url');
}

/** The offset a token points at; throws ValidationError on `field` when it is not one of ours or belongs to another query. */
export function decodePageToken(token: string, fp: string, field = 'page_token'): number {
  let t: unknown;
  try {
    t = /^[A-Za-z0-9_-]{1,200}$/.test(token) ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) : null;
  } catch {
    t = null;
  }
  const o = t as { v?: unknown; o?: unknown; f?: unknown } | null;
  if (!o || o.v !== VERSION || !Number.isInteger(o.o) || (o.o as number) < 0 || (o.o as number) > MAX_OFFSET || typeof o.f !== 'string') {
    throw new ValidationError(field, 'a next_page_token from a previous answer, unchanged', token);
  }
  if (o.f !== fp) throw new ValidationError(field, 'a token of this same search (the filter and order_by it came with)', token);
  return o.o as number;
}
