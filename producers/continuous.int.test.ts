/**
 * The continuous simulator against the real Kafka, steered by events on
 * simulation.pace: the --rate default while the topic is empty, a new pace
 * within a second, a pause with no sales for over two seconds, a resume
 * that goes on with the next event; every event of the weeks exactly once.
 * Times are the messages' produce timestamps, not when the test saw them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AvroCodec } from '../lib/avro/codec.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { withOverrides, type Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger } from '../lib/log.js';
import { eventually, isolatedConfig } from '../lib/testing.js';
import { SALES_WEEK } from '../domain/contracts.js';
import { generateWeek } from '../domain/simulation/generator.js';
import { PacePublisher } from '../domain/simulation/io/pace-publisher.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import type { SimulationPaceChanged } from '../schemas/types.js';
import { followPace, runContinuous, type PaceFollower } from './continuous.js';

// 5 stores x 8 depts with this seed: 32 events in week 80, 31 in week 81
const SIM = { seed: 7, stores: 5, depts: 8, startWeek: '2010-02-05', weeks: 80 };
const DEFAULT_RATE = 2;
const log = createLogger('test-continuous');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  eventId: string;
  at: number;
}

/** Every sales event on the topic as it arrives, with its produce timestamp. */
async function watchSales(cfg: Readonly<Config>, codec: AvroCodec): Promise<{ seen: Seen[]; stop: () => Promise<void> }> {
  const seen: Seen[] = [];
  const consumer = createKafka(cfg, 'test-watch').consumer({ groupId: `watch-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: cfg.topics.sales, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push({ eventId: (await codec.decode(SALES_WEEK, message.value)).eventId, at: Number(message.timestamp) }) });
  return { seen, stop: () => consumer.disconnect() };
}

const inWindow = (seen: Seen[], from: number, to: number) => seen.filter((s) => s.at >= from && s.at < to).length;

describe('continuous simulator steered by simulation.pace', { timeout: 120_000 }, () => {
  let cfg: Readonly<Config>;
  let cleanup: () => Promise<void>;
  let codec: AvroCodec;
  let producer: SalesProducer;
  let pub: PacePublisher;
  const change = async (action: SimulationPaceChanged['action'], secondsPerWeek: number | null = null) => {
    const at = Date.now();
    await pub.paceChanged({ action, secondsPerWeek, reason: 'test', changedBy: 'test', changedAt: at });
    return at;
  };

  before(async () => {
    const iso = isolatedConfig('pace');
    cfg = withOverrides(iso.cfg, (d) => void (d.kafka.salesPartitions = 2));
    cleanup = iso.cleanup;
    codec = await bootstrapContracts(cfg);
    const kafka = createKafka(cfg, 'test-sim');
    producer = await SalesProducer.connect(kafka, codec, cfg);
    pub = await PacePublisher.connect(kafka, codec, cfg.topics.simulationPace);
  });
  after(async () => {
    await Promise.allSettled([producer?.disconnect(), pub?.disconnect()]);
    await cleanup?.();
  });

  it('starts at --rate, takes a new pace within a second, pauses for real and resumes with the next event; each event once', async () => {
    const expected = [...generateWeek(SIM, 80), ...generateWeek(SIM, 81)].map((e) => e.eventId);
    assert.equal(expected.length, 63);
    const watch = await watchSales(cfg, codec);
    const pace: PaceFollower = await followPace({ kafka: createKafka(cfg, 'test-pace'), codec, topic: cfg.topics.simulationPace, log });
    try {
      assert.equal(pace.state().secondsPerWeek, null, 'an empty topic: the default rate');
      const run = runContinuous({ producer, sim: SIM, defaultRate: DEFAULT_RATE, startIndex: 80, pace, log, weeks: 2 });

      // the default: 2 events/s, one every 500 ms
      assert.ok(await eventually(() => watch.seen.length >= 4, 15_000, 20), 'four events at the default rate');
      const first = [...watch.seen].sort((a, b) => a.at - b.at);
      const span = first[3]!.at - first[0]!.at;
      assert.ok(span >= 1200 && span < 2500, `events 1..4 over ${span} ms at 2 events/s (1,500 ms)`);

      // 5 s a week: 32 / 5 = 6.4 events/s
      const pacedAt = await change('paced', 5);
      await sleep(3000);
      const fast = inWindow(watch.seen, pacedAt + 1000, pacedAt + 3000);
      assert.ok(fast >= 9 && fast <= 18, `${fast} events in the 2 s from 1 s after the change (6.4 events/s: ~13; the default would give 4)`);

      const pausedAt = await change('paused');
      await sleep(1000);
      const atPause = watch.seen.length;
      await sleep(2500);
      assert.equal(watch.seen.length, atPause, 'nothing produced while paused');
      assert.ok(atPause < expected.length, `paused mid-run (${atPause} of ${expected.length} sent)`);
      assert.equal(inWindow(watch.seen, pausedAt + 1000, Date.now()), 0, 'no event produced from 1 s after the pause');

      const resumedAt = await change('resumed');
      await run;
      assert.ok(await eventually(() => watch.seen.length >= expected.length, 15_000, 50), 'every event arrived');
      await sleep(500);
      const after = watch.seen.filter((s) => s.at >= resumedAt).sort((a, b) => a.at - b.at);
      assert.ok(after.length > 0 && after[0]!.at - resumedAt < 1000, `the first event after the resume came ${(after[0]?.at ?? NaN) - resumedAt} ms after it`);
      const ids = watch.seen.map((s) => s.eventId);
      assert.equal(ids.length, expected.length, 'exact count');
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.deepEqual([...ids].sort(), [...expected].sort(), 'the two weeks, nothing lost');
      // the pause is the one long gap: at least 2 s without an event
      const ts = watch.seen.map((s) => s.at).sort((a, b) => a - b);
      const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
      assert.ok(Math.max(...gaps) >= 2000, `a gap of ${Math.max(...gaps)} ms while paused`);
    } finally {
      await pace.stop();
      await watch.stop();
    }
  });

  it('a pace and a pause already in the log hold from the start (latest state wins), until resumed', async () => {
    // the first test left: paced 5, paused, resumed; pause again, on top of it
    await change('paced', 5);
    await change('paused');
    // the first test's two weeks
    const before = 63;
    const pace = await followPace({ kafka: createKafka(cfg, 'test-pace-2'), codec, topic: cfg.topics.simulationPace, log });
    const watch = await watchSales(cfg, codec);
    try {
      assert.deepEqual([pace.state().secondsPerWeek, pace.state().paused], [5, true]);
      const run = runContinuous({ producer, sim: SIM, defaultRate: DEFAULT_RATE, startIndex: 82, pace, log, weeks: 1 });
      assert.ok(await eventually(() => watch.seen.length >= before, 15_000, 20), 'the earlier events read');
      await sleep(2000);
      assert.equal(watch.seen.length, before, 'paused from the start: nothing produced');
      const resumedAt = await change('resumed');
      await run;
      const week = generateWeek(SIM, 82).length;
      assert.ok(await eventually(() => watch.seen.length >= before + week, 15_000, 50));
      const took = Math.max(...watch.seen.map((s) => s.at)) - resumedAt;
      // 5 s a week, not the default 2 events/s (which would take 15 s or more)
      assert.ok(took < 8000, `the week took ${took} ms after the resume`);
    } finally {
      await pace.stop();
      await watch.stop();
    }
  });
});
