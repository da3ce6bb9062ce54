import type { z } from 'zod';
import { nextTicks } from '../../domain/training/schedule.js';
import { route, type Route } from '../api/route.js';
import { ScheduleBody, ScheduleResponse } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type ScheduleRouteDeps = Pick<GatewayContext, 'cfg' | 'ops' | 'schedule' | 'syncSchedule'>;

/** How many upcoming ticks GET /v1/schedule lists. */
const NEXT = 5;

/** The training schedule: the next runs of the cron, and pause / resume as events on training.schedule. */
export function scheduleRoutes(g: ScheduleRouteDeps): Route[] {
  const view = (): z.output<typeof ScheduleResponse> => {
    const s = g.schedule();
    const cron = g.cfg.trainer.cron;
    return {
      cron,
      timezone: 'UTC',
      paused: s.paused,
      reason: s.reason,
      changedBy: s.changedBy,
      changedAt: s.changedAt === null ? null : new Date(s.changedAt).toISOString(),
      next: nextTicks(cron, Date.now(), NEXT).map((t) => new Date(t).toISOString()),
    };
  };
  const get = route(
    { method: 'get', path: '/v1/schedule', tag: 'operations', access: 'read', summary: 'The training schedule: cron, paused or not, and the next runs', ok: { schema: ScheduleResponse, description: 'the schedule' } },
    () => view(),
  );
  const change = (action: 'paused' | 'resumed', path: string, summary: string) =>
    route(
      { method: 'post', path, tag: 'operations', access: 'write', summary, body: ScheduleBody, ok: { schema: ScheduleResponse, description: 'the event was appended; the schedule as it now stands', status: 202 } },
      async ({ body }, ctx) => {
        const b = body as z.output<typeof ScheduleBody>;
        await g.ops.setSchedule({ action, reason: b.reason, by: `gateway:${ctx.ip}` });
        await g.syncSchedule();
        return view();
      },
    );
  return [get, change('paused', '/v1/schedule/pause', 'Pause the training schedule (cron ticks are skipped until resumed)'), change('resumed', '/v1/schedule/resume', 'Resume the training schedule')];
}
