/**
 * The search half of GET /v1/runs and /v1/models: the query parameters
 * parsed (every problem of filter, order_by and page_token in one 400),
 * the page of versions read from the registry projection in ClickHouse,
 * and the token of the next page.
 */
import type { z } from 'zod';
import { AppError, ValidationError, type FieldProblem } from '../../lib/errors.js';
import { parseFilter, type Comparison } from '../../domain/registry/search/filter.js';
import { parseOrder, type OrderKey } from '../../domain/registry/search/order.js';
import { decodePageToken, encodePageToken, fingerprint } from '../../domain/registry/search/page-token.js';
import { searchVersions } from '../../domain/registry/io/projection/search.js';
import type { RunSearchQuery } from '../api/model-schemas.js';
import { HttpError } from '../http/errors.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type RunSearchDeps = Pick<GatewayContext, 'cfg' | 'ch'>;

/** Page size when a search names none. */
export const DEFAULT_PAGE = 100;
export const SEARCH_ERRORS = {
  503: 'a search (filter, order_by, max_results or page_token given) while the registry projection is not in ClickHouse yet, or ClickHouse is down; retry',
};

type Query = z.output<typeof RunSearchQuery>;

/** Whether the request asks for a search rather than the whole list. */
export function isSearch(q: Query | undefined): q is Query {
  return !!q && (q.filter !== undefined || q.order_by !== undefined || q.max_results !== undefined || q.page_token !== undefined);
}

/** The versions of one page of a search on `listing` (runs, models) and the next page's token (null on the last). */
export async function searchPage(g: RunSearchDeps, listing: 'runs' | 'models', q: Query, defaultOrder: OrderKey[]): Promise<{ versions: number[]; next: string | null }> {
  const problems: FieldProblem[] = [];
  const attempt = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
      return fallback;
    }
  };
  const filter = attempt<Comparison[]>(() => parseFilter(q.filter ?? ''), []);
  const order = attempt<OrderKey[]>(() => parseOrder(q.order_by ?? ''), []);
  const fp = fingerprint(listing, q.filter ?? '', q.order_by ?? '');
  const offset = q.page_token === undefined ? 0 : attempt(() => decodePageToken(q.page_token!, fp), 0);
  if (problems.length > 0) throw ValidationError.of(problems);
  const limit = q.max_results ?? DEFAULT_PAGE;
  const page = await searchVersions(g.ch, g.cfg.clickhouse.database, { filter, order: order.length > 0 ? order : defaultOrder, limit, offset }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'SEARCH_UNAVAILABLE') throw new HttpError(503, err.code, err.message, { headers: { 'retry-after': '5' }, retriable: true });
    throw err;
  });
  return { versions: page.versions, next: page.more ? encodePageToken(offset + limit, fp) : null };
}
