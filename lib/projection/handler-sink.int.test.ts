/**
 * The consumer edge's three crash policies with the real runner and Kafka
 * (a stand-in codec: the bytes are JSON, so no registry is needed; the
 * classification, the runner's retry and stop, the dead-letter topic and
 * the commits are what is tested):
 * refused input -> a dead letter with the reason, and the consumer goes on;
 * a dependency down -> the batch retried, then handled, nothing dead-lettered;
 * a bug -> the runner stops with it and commits nothing past it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AvroCodec, TypedContract } from '../avro/codec.js';
import { FieldReader } from '../avro/fields.js';
import { DependencyError } from '../errors.js';
import { createKafka, ensureTopics, topicSpecs } from '../kafka/client.js';
import { DeadLetters } from '../kafka/dead-letter.js';
import { readDeadLetters } from '../kafka/dead-letter-log.js';
import { createLogger } from '../log.js';
import { runBuffered } from '../kafka/runner.js';
import { eventually, isolatedConfig } from '../testing.js';
import { handlerSink, on } from './handler-sink.js';

const read = <T>(c: TypedContract<T>, b: Buffer | null) => c.validate(JSON.parse(b!.toString()));
const codec = { decode: async <T>(c: TypedContract<T>, b: Buffer | null) => read(c, b), decodeIfKnown: read } as unknown as AvroCodec;
const NOTE: TypedContract<{ n: number }> = { name: 'seriesNoted' as TypedContract<unknown>['name'], validate: (v) => ({ n: new FieldReader('Note', v).int('n', 0, 100) }) };

describe('handler sink (Kafka): the three crash policies', { timeout: 120_000 }, () => {
  const { cfg, tag, cleanup } = isolatedConfig('edge');
  const kafka = createKafka(cfg, 'test');
  const topic = cfg.topics.trainingRequests;
  const admin = kafka.admin();
  const log = createLogger('test');
  // messages 0..9; n = 500 at offset 3 is out of the contract's range
  const values = [0, 1, 2, 500, 4, 5, 6, 7, 8, 9];
  before(async () => {
    await admin.connect();
    await ensureTopics(admin, topicSpecs(cfg));
    const p = kafka.producer();
    await p.connect();
    await p.send({ topic, messages: values.map((n) => ({ key: 'k', value: JSON.stringify({ n }) })) });
    await p.disconnect();
  });
  after(async () => {
    await admin.disconnect();
    await cleanup();
  });
  const committed = async (groupId: string) => Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.reduce((a, p) => a + Math.max(0, Number(p.offset)), 0));
  const lettersOf = async (groupId: string) => (await readDeadLetters(kafka, cfg.topics.deadLetter)).flatMap((m) => m.letters).filter((l) => l.group === groupId);

  it('refused input: a dead letter with the contract\'s reason, once, and the messages after it are handled and committed', async () => {
    const groupId = `${tag}-refused`;
    const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, groupId);
    const handled: number[] = [];
    const running = await runBuffered({ kafka, groupId, topics: [topic], flushMs: 50, log, sink: handlerSink({ codec, deadLetters: dead }, { [topic]: on(NOTE, (e) => void handled.push(e.n)) }) });
    try {
      assert.ok(await eventually(async () => (await committed(groupId)) === 10, 30_000), 'committed to the end');
      assert.deepEqual(handled, [0, 1, 2, 4, 5, 6, 7, 8, 9]);
      const letters = await lettersOf(groupId);
      assert.deepEqual(letters.map((l) => [l.origin.offset, l.reason]), [['3', 'Note.n: expected an integer from 0 to 100, got 500']]);
    } finally {
      await running.stop();
      await dead.disconnect();
    }
  });

  it('a dependency down: the batch is retried until the handler gets through, then handled and committed, no dead letter but the refused one', async () => {
    const groupId = `${tag}-outage`;
    const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, groupId);
    const handled = new Set<number>();
    let outages = 0;
    const sink = handlerSink({ codec, deadLetters: dead }, {
      [topic]: on(NOTE, (e) => {
        if (e.n === 5 && outages < 2) {
          outages += 1;
          throw new DependencyError('clickhouse', 'connect ECONNREFUSED');
        }
        handled.add(e.n);
      }),
    });
    const running = await runBuffered({ kafka, groupId, topics: [topic], flushMs: 50, log, sink });
    try {
      assert.ok(await eventually(async () => (await committed(groupId)) === 10, 30_000), 'committed to the end');
      assert.equal(outages, 2, 'failed twice, then got through');
      assert.deepEqual([...handled].sort((a, b) => a - b), [0, 1, 2, 4, 5, 6, 7, 8, 9]);
      assert.equal(running.stats().writeFailures, 2);
      assert.deepEqual((await lettersOf(groupId)).map((l) => l.origin.offset), ['3'], 'the retried batch sent no dead letter before it got through');
    } finally {
      await running.stop();
      await dead.disconnect();
    }
  });

  it('a bug: the runner stops with it (the stack kept) and commits nothing, so a restart meets it again', async () => {
    const groupId = `${tag}-bug`;
    const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, groupId);
    const sink = handlerSink({ codec, deadLetters: dead }, {
      [topic]: on(NOTE, (e) => {
        if (e.n === 7) (undefined as unknown as { week: string }).week.trim();
      }),
    });
    const running = await runBuffered({ kafka, groupId, topics: [topic], flushMs: 50, log, sink });
    try {
      await assert.rejects(running.done, (err: unknown) => err instanceof TypeError && /handler-sink\.int\.test\.ts/.test(err.stack ?? ''));
      assert.equal(await committed(groupId), 0, 'nothing committed');
      assert.deepEqual(await lettersOf(groupId), [], 'a bug is no dead letter, and the refused message in its batch was not sent either');
    } finally {
      await running.stop().catch(() => undefined);
      await dead.disconnect();
    }
  });
});
