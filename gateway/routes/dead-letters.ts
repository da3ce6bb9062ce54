import type { z } from 'zod';
import { route, type Route } from '../api/route.js';
import { DeadLettersQuery, DeadLettersResponse, RedriveBody, RedriveResponse } from '../api/dead-letter-schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type DeadLetterRouteDeps = Pick<GatewayContext, 'cfg' | 'deadLetters'>;

/** Default number of messages GET /v1/dead-letters lists. */
const LIMIT = 200;

/** The dead-letter topic: browse the refused messages with their reasons, and re-drive them after a fix. */
export function deadLetterRoutes(g: DeadLetterRouteDeps): Route[] {
  const list = route(
    {
      method: 'get',
      path: '/v1/dead-letters',
      tag: 'operations',
      access: 'read',
      summary: 'Dead-lettered messages, newest first, a page at a time: origin, the consumers that refused each and why, re-drives, and the decoded record',
      description: 'Answered from a copy of the dead-letter topic that the gateway follows (the newest 10,000 messages); concurrent calls share one refresh.',
      query: DeadLettersQuery,
      ok: { schema: DeadLettersResponse, description: 'the dead-lettered messages (empty when there are none)' },
      errors: { 503: 'Kafka unavailable, or the dead-letter topic could not be read to its end in time; retry' },
    },
    async ({ query }) => {
      const q = query as z.output<typeof DeadLettersQuery>;
      const r = await g.deadLetters.list(q.limit ?? LIMIT, q.pageToken);
      return { topic: g.cfg.topics.deadLetter, ...r };
    },
  );
  const redrive = route(
    {
      method: 'post',
      path: '/v1/dead-letters/redrive',
      tag: 'operations',
      access: 'write',
      summary: 'Re-drive dead-lettered messages: re-send their original key and bytes to the origin topic, once each, and record the re-drive on the dead-letter topic',
      body: RedriveBody,
      ok: { schema: RedriveResponse, description: 'the messages were re-sent and the re-drive recorded', status: 202 },
      errors: { 404: 'an id is not on the dead-letter topic (the message names it)', 409: 'a message was already re-driven and `force` is not true (ALREADY_REDRIVEN)' },
    },
    async ({ body }, ctx) => {
      const b = body as z.output<typeof RedriveBody>;
      const r = await g.deadLetters.redrive(b.ids, `gateway:${ctx.ip}`, b.force ?? false);
      return { ...r, topic: g.cfg.topics.deadLetter };
    },
  );
  return [list, redrive];
}
