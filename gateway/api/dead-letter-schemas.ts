/** Request and response shapes of the dead-letter routes (GET /v1/dead-letters, POST /v1/dead-letters/redrive). */
import { z } from 'zod';
import { QueryInt } from '../../lib/query.js';

/** `topic/partition@offset`, as lib/kafka/dead-letter-log.ts names an original message. */
const MessageId = z
  .string()
  .regex(/^[A-Za-z0-9._-]+\/\d+@\d+$/, { error: 'a message id topic/partition@offset, as GET /v1/dead-letters lists it' })
  .describe('the original message: topic/partition@offset');

export const DeadLettersQuery = z.strictObject({
  limit: QueryInt(1, 1000).optional().describe('how many messages, newest first (default 200)'),
  pageToken: z
    .string()
    .regex(/^\d{1,19}$/, { error: 'a page token: the nextPageToken of the page before' })
    .optional()
    .describe('the page after the one that answered this nextPageToken (none: the newest messages)'),
});

const DeadLetter = z
  .object({
    id: MessageId,
    origin: z.object({ topic: z.string(), partition: z.int(), offset: z.string(), timestamp: z.string().describe('epoch ms of the original message') }),
    key: z.string().nullable(),
    bytes: z.int().describe('size of the original value'),
    letters: z
      .array(z.object({ consumer: z.string().describe('consumer group that refused it'), at: z.string().describe('ISO 8601'), reason: z.string(), dlqOffset: z.string() }))
      .describe('one per consumer that refused the message, oldest first'),
    redriven: z.array(z.object({ at: z.string(), by: z.string() })).describe('re-drives of this message, oldest first'),
    record: z.string().nullable().describe('the record decoded with the schema its bytes name, as JSON text; null when it does not decode'),
    undecodable: z.string().nullable().describe('why the bytes do not decode (null when they do)'),
  })
  .meta({ id: 'DeadLetter' });

export const DeadLettersResponse = z
  .object({
    topic: z.string(),
    total: z.int().describe('messages on the dead-letter topic'),
    messages: z.array(DeadLetter).describe('newest first, at most `limit`'),
    nextPageToken: z.string().nullable().describe('pass as pageToken for the older messages; null on the last page'),
  })
  .meta({ id: 'DeadLettersResponse' });

export const RedriveBody = z.strictObject({
  ids: z.array(MessageId).min(1).max(100).describe('the messages to re-drive (ids from GET /v1/dead-letters)'),
  force: z.boolean().optional().describe('re-drive a message that was already re-driven (default false: 409)'),
});

export const RedriveResponse = z
  .object({ redriven: z.array(z.string()).describe('ids re-sent to their origin topics'), topic: z.string().describe('where the re-drive is recorded') })
  .meta({ id: 'RedriveResponse' });
