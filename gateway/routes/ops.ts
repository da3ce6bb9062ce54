import type { z } from 'zod';
import { route, type Route } from '../api/route.js';
import { NextWeekResponse, PromoteBody, PromotionResponse, RollbackBody, TrainBody, TrainResponse, VersionParams } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type OpsRouteDeps = Pick<GatewayContext, 'ops'>;

const by = (ctx: { ip: string }) => `gateway:${ctx.ip}`;
/** Passes `expectedChampion` on only when the body gave one (null included: "no champion yet"). */
const expect = (e: number | null | undefined) => (e === undefined ? {} : { expectedChampion: e });

/** Write operations: each appends an event to the log. All need the bearer token. */
export function opsRoutes(g: OpsRouteDeps): Route[] {
  return [nextWeekRoute(g), trainRoute(g), promoteRoute(g), rollbackRoute(g)];
}

/** POST /v1/ops/next-week */
function nextWeekRoute(g: OpsRouteDeps): Route {
  return route(
    {
      method: 'post',
      path: '/v1/ops/next-week',
      tag: 'operations',
      access: 'write',
      summary: 'Inject the next week of sales for every series (the simulator step)',
      ok: { schema: NextWeekResponse, description: 'the week produced and how many events', status: 202 },
      errors: { 503: 'Kafka unavailable, or the gateway has not read sales.weekly to its end yet' },
    },
    () => g.ops.nextWeek(),
  );
}

/** POST /v1/ops/train */
function trainRoute(g: OpsRouteDeps): Route {
  return route(
    {
      method: 'post',
      path: '/v1/ops/train',
      tag: 'operations',
      access: 'write',
      summary: 'Request a training run (trigger manual)',
      body: TrainBody,
      ok: { schema: TrainResponse, description: 'the request was appended to training.requests', status: 202 },
    },
    ({ body }, ctx) => {
      const b = body as z.output<typeof TrainBody>;
      return g.ops.requestTraining({ ...b, by: by(ctx) });
    },
  );
}

/** POST /v1/models/:version/promote */
function promoteRoute(g: OpsRouteDeps): Route {
  return route(
    {
      method: 'post',
      path: '/v1/models/:version/promote',
      tag: 'operations',
      access: 'write',
      summary: 'Promote a version by hand (a model.promoted event of kind manual)',
      params: VersionParams,
      body: PromoteBody,
      ok: { schema: PromotionResponse, description: 'the promotion was appended and took effect', status: 202 },
      errors: {
        404: 'unknown version',
        409: 'the version is already the champion, the champion is not `expectedChampion`, or a concurrent promotion landed first; `error.conflict.actual` names the champion',
      },
    },
    async ({ params, body }, ctx) => {
      const { version } = params as z.output<typeof VersionParams>;
      const b = body as z.output<typeof PromoteBody>;
      const p = await g.ops.promote({ version, reason: b.reason, by: by(ctx), ...expect(b.expectedChampion) });
      return { version: p.version, previousVersion: p.previousVersion, kind: p.kind };
    },
  );
}

/** POST /v1/ops/rollback */
function rollbackRoute(g: OpsRouteDeps): Route {
  return route(
    {
      method: 'post',
      path: '/v1/ops/rollback',
      tag: 'operations',
      access: 'write',
      summary: 'Roll back to the previous champion, or to a given version (a model.promoted event of kind rollback)',
      body: RollbackBody,
      ok: { schema: PromotionResponse, description: 'the rollback was appended and took effect', status: 202 },
      errors: {
        404: 'unknown version',
        409: 'no champion or no earlier champion to return to, the version is already the champion, the champion is not `expectedChampion`, or a concurrent promotion landed first (`error.conflict.actual` names the champion)',
      },
    },
    async ({ body }, ctx) => {
      const b = body as z.output<typeof RollbackBody>;
      const p = await g.ops.rollback({ version: b.version, reason: b.reason, by: by(ctx), ...expect(b.expectedChampion) });
      return { version: p.version, previousVersion: p.previousVersion, kind: p.kind };
    },
  );
}
