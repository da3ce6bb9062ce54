import type { z } from 'zod';
import { paceStatus } from '../../domain/simulation/pace.js';
import { route, type Route } from '../api/route.js';
import { PaceBody, PaceResponse } from '../api/pace-schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type PaceRouteDeps = Pick<GatewayContext, 'cfg' | 'ops' | 'pace' | 'store' | 'syncPace'>;

/** Series a simulated week holds, as the gateway sees them: the series of the log, or the configured catalogue before any. */
export function paceSeries(g: Pick<GatewayContext, 'cfg' | 'store'>): number {
  return g.store.size > 0 ? g.store.size : g.cfg.simulator.stores * g.cfg.simulator.depts;
}

/** The continuous simulator's pace: read it, and set, pause or resume it as events on simulation.pace. */
export function paceRoutes(g: PaceRouteDeps): Route[] {
  const view = (): z.output<typeof PaceResponse> => {
    const s = g.pace();
    const { changedBy: _by, changedAt: _at, ...p } = paceStatus(s, g.cfg.simulator.rate, paceSeries(g));
    return {
      ...p,
      defaultRate: g.cfg.simulator.rate,
      last: s.last === null ? null : { ...s.last, changedAt: new Date(s.last.changedAt).toISOString() },
    };
  };
  const get = route(
    { method: 'get', path: '/v1/simulation/pace', tag: 'operations', access: 'read', summary: 'The continuous simulator\'s pace: seconds per week, events/s, paused or not, the last change', ok: { schema: PaceResponse, description: 'the pace' } },
    () => view(),
  );
  const set = route(
    {
      method: 'post',
      path: '/v1/simulation/pace',
      tag: 'operations',
      access: 'write',
      summary: 'Set the simulator\'s seconds per week, or pause or resume it (a simulation.pace event; the simulator applies it within a second)',
      body: PaceBody,
      ok: { schema: PaceResponse, description: 'the event was appended; the pace as it now stands', status: 202 },
      errors: { 422: 'secondsPerWeek missing with action paced, or given with paused / resumed' },
    },
    async ({ body }, ctx) => {
      const b = body as z.output<typeof PaceBody>;
      await g.ops.setPace({ action: b.action, ...(b.secondsPerWeek !== undefined ? { secondsPerWeek: b.secondsPerWeek } : {}), ...(b.reason !== undefined ? { reason: b.reason } : {}), by: `gateway:${ctx.ip}`, at: Date.now() });
      await g.syncPace();
      return view();
    },
  );
  return [get, set];
}
