import type { z } from 'zod';
import { route, type Route } from '../api/route.js';
import { CatalogResponse, SeriesQuery, SeriesResponse } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';
import { scoreWithIntervals } from '../predict/predictor.js';
import { rowAt, type ScoringRow } from '../predict/resolve.js';
import { COL, featureVector } from '../../domain/features/features.js';

/** What these routes take from the gateway context, and nothing more. */
export type SeriesRouteDeps = Pick<GatewayContext, 'holder' | 'scored' | 'store'>;

/** Read-only views of the online state for the dashboard: the series catalog, and actual vs predicted for one series. */
export function seriesRoutes(g: SeriesRouteDeps): Route[] {
  return [catalogRoute(g), seriesRoute(g)];
}

/** GET /v1/catalog */
function catalogRoute(g: SeriesRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/catalog',
      tag: 'series',
      access: 'read',
      summary: 'Stores and their departments held by the gateway, and the week range',
      ok: { schema: CatalogResponse, description: 'the catalog' },
    },
    () => ({ series: g.store.size, stores: g.store.catalog(), firstWeek: g.store.firstWeek, latestWeek: g.store.latestWeek }),
  );
}

/** GET /v1/series */
function seriesRoute(g: SeriesRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/series',
      tag: 'series',
      access: 'read',
      summary: 'Actual sales of a series beside the champion\'s one-week-ahead forecasts, plus the next week',
      query: SeriesQuery,
      ok: { schema: SeriesResponse, description: 'columns: weeks, actual, predicted' },
      errors: { 404: 'unknown store or dept' },
    },
    async ({ query }) => {
      const q = query as z.output<typeof SeriesQuery>;
      const history = g.store.get(q.store, q.dept);
      const n = Math.min(q.weeks ?? 104, history.length);
      const first = history.length - n;
      // one more week than the data: the forecast of the week that has not happened yet
      const idx = Array.from({ length: n + 1 }, (_, i) => first + i);
      const weeks = idx.map((t) => history.weekAt(t));
      const actual = idx.map((t) => {
        const y = history.salesAt(t);
        return Number.isNaN(y) ? null : y;
      });
      const lease = g.holder.lease();
      const none = () => idx.map(() => null);
      if (!lease) return { store: q.store, dept: q.dept, modelVersion: null, weeks, actual, predicted: none(), lower80: none(), upper80: none(), lower95: none(), upper95: none() };
      try {
        // rows whose origin has no level cannot be forecast; they stay null
        const rows: ScoringRow[] = idx
          .filter((t) => t >= 1 && !Number.isNaN(featureVector(history, history.weekAt(t), 1)[COL.level]!))
          .map((t) => rowAt(history, t, 1));
        const { forecasts, intervals } = rows.length > 0 ? await scoreWithIntervals(lease.model, rows) : { forecasts: new Float64Array(0), intervals: [] };
        g.scored('series', lease.model, rows.length);
        const byT = new Map(rows.map((r, i) => [r.t, i]));
        const column = (f: (i: number) => number | undefined) => idx.map((t) => {
          const i = byT.get(t);
          return i === undefined ? null : (f(i) ?? null);
        });
        const bound = (level: number, side: 'lower' | 'upper') => column((i) => intervals[i]!.find((iv) => iv.level === level)?.[side]);
        return {
          store: q.store,
          dept: q.dept,
          modelVersion: lease.model.version,
          weeks,
          actual,
          predicted: column((i) => Math.round(forecasts[i]! * 100) / 100),
          lower80: bound(0.8, 'lower'),
          upper80: bound(0.8, 'upper'),
          lower95: bound(0.95, 'lower'),
          upper95: bound(0.95, 'upper'),
        };
      } finally {
        lease.release();
      }
    },
  );
}
