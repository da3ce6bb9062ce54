import type { z } from 'zod';
import { NotFoundError, UnprocessableError } from '../../lib/errors.js';
import { aggregateHistory, covers } from '../../domain/hierarchy/history.js';
import { route, type Route } from '../api/route.js';
import { LevelHistoryQuery, LevelHistoryResponse } from '../api/hierarchy-schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type LevelHistoryRouteDeps = Pick<GatewayContext, 'forecasts' | 'store'>;

/**
 * GET /v1/series/level: the summed actuals of a store, a department or the
 * total, from the gateway's in-memory series state (no database query), so
 * the dashboard can draw an aggregate's history beside its published forecast.
 */
export function levelHistoryRoutes(g: LevelHistoryRouteDeps): Route[] {
  return [
    route(
      {
        method: 'get',
        path: '/v1/series/level',
        tag: 'series',
        access: 'read',
        summary: 'Actual sales of a store, a department (across stores) or the total: its series summed per week',
        query: LevelHistoryQuery,
        ok: { schema: LevelHistoryResponse, description: 'columns: weeks, actual, series (members with a value)' },
        errors: {
          404: 'a store or department no series belongs to',
          422: 'a level without the store / dept it needs, or with one it does not take (total takes neither, store only store, dept only dept); `error.field` names the field',
        },
      },
      ({ query }) => {
        const q = query as z.output<typeof LevelHistoryQuery>;
        // each parameter alone has the documented shape; which go together is the level's (as GET /v1/forecast?level=)
        const wants = q.level === 'store' ? 'store' : q.level === 'dept' ? 'dept' : null;
        for (const f of ['store', 'dept'] as const) {
          if (f === wants && q[f] === undefined) throw new UnprocessableError(f, `a ${f === 'store' ? 'store' : 'department'} number with level ${q.level}`, undefined);
          if (f !== wants && q[f] !== undefined) throw new UnprocessableError(f, `absent with level ${q.level} (its actuals cover all ${f === 'store' ? 'stores' : 'departments'})`, q[f]);
        }
        const node = { level: q.level, store: q.store ?? 0, dept: q.dept ?? 0 };
        const published = g.forecasts.aggregate(q.level, node.store, node.dept);
        const h = aggregateHistory(g.store.all(), node, q.weeks ?? 104, published?.origin);
        if (h.weeks.length === 0 && ![...g.store.all()].some((s) => covers(node, s.store, s.dept))) {
          throw new NotFoundError(q.level === 'store' ? `store ${node.store}` : q.level === 'dept' ? `dept ${node.dept}` : 'any series');
        }
        return { ...node, until: h.weeks.at(-1) ?? null, ...h };
      },
    ),
  ];
}
