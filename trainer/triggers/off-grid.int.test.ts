/**
 * The per-series 7-day grid rule, end to end: a week whose date is real but
 * off its series' grid is refused the same way by every consumer of
 * sales.weekly (the materializer, the gateway, the trainer's threshold
 * watcher): each dead-letters it once with the reason, none of them keeps
 * it, and the next training run succeeds on the rest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, ident, rows } from '../../lib/clickhouse/client.js';
import { createKafka } from '../../lib/kafka/client.js';
import { salesEventId, type SalesWeek } from '../../schemas/types.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { startTrainer, type TrainerService } from '../service/trainer-service.js';
import { cleanUp, loadHistory, smallSim, uniqueConfig, until, type History } from '../test/fixture.js';

const cfg = uniqueConfig('offgrid', (d) => {
  d.gateway.port = 0;
  d.gateway.host = '127.0.0.1';
});
const sim = smallSim(70);
let h: History;
let gw: Gateway;
let trainer: TrainerService;

/** Every dead letter on the topic now: consumer group, origin offset and reason. */
async function deadLetters(): Promise<{ group: string; offset: string; reason: string }[]> {
  const kafka = createKafka(cfg, 'test-dlq-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(cfg.topics.deadLetter);
  await admin.disconnect();
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const out: { group: string; offset: string; reason: string }[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `test-dlq-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [cfg.topics.deadLetter], fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const hdr = (k: string) => message.headers?.[k]?.toString() ?? '';
        out.push({ group: hdr('dlq.consumer.group'), offset: hdr('dlq.origin.offset'), reason: hdr('dlq.reason') });
        if (out.length >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

describe('an off-grid week', { timeout: 300_000 }, () => {
  let offGrid: SalesWeek;
  before(async () => {
    h = await loadHistory(cfg, sim);
    // store 1 dept 1 is a Friday series; a Thursday in its history is a real date off its grid
    const week = '2011-03-03';
    offGrid = { ...(await firstEventOf(1, 1)), week, eventId: salesEventId(1, 1, week), weeklySales: 999_999 };
    await h.producer.send([offGrid]);
    gw = await startGateway(cfg);
    trainer = await startTrainer(cfg, { schedule: false, relayLog: false });
  });
  after(async () => {
    await trainer?.stop();
    await gw?.close();
    await h?.stop();
    await cleanUp(cfg);
  });

  it('is dead-lettered once by the materializer, the gateway and the threshold watcher, naming the week and the grid', async () => {
    let letters: Awaited<ReturnType<typeof deadLetters>> = [];
    await until(async () => {
      letters = await deadLetters();
      return new Set(letters.map((l) => l.group)).size >= 3;
    }, 60_000, 'dead letters from three consumers');
    const groups = letters.map((l) => l.group).sort();
    assert.deepEqual(groups, [cfg.materializer.groupId, 'gateway', `trainer:${cfg.topics.trainingRequests}-threshold`].sort(), JSON.stringify(letters));
    assert.equal(new Set(letters.map((l) => l.offset)).size, 1, 'the same message each time');
    for (const l of letters) assert.match(l.reason, /^week: expected a date on series 1:1's 7-day grid \(for example 2011-02-25 or 2011-03-04\), got "2011-03-03"$/);
  });

  it('is kept by none of them: not in ClickHouse, not in the gateway\'s state', async () => {
    const ch = createClickhouse(cfg);
    try {
      const r = await rows<{ n: string; s: number }>(ch, `SELECT count() AS n, sum(weekly_sales) AS s FROM ${ident(cfg.clickhouse.database)}.${SALES_TABLE} FINAL WHERE store = 1 AND dept = 1`);
      assert.equal(Number(r[0]!.n), sim.weeks);
      assert.ok(Number(r[0]!.s) < 999_999);
    } finally {
      await ch.close();
    }
    const series = gw.store.get(1, 1);
    assert.ok(series);
    assert.equal(series.length, sim.weeks);
  });

  it('does not stop the next training run', async () => {
    const req = await trainer.request({ trigger: 'manual', reason: 'after an off-grid week', requestedBy: 'test' });
    const run = await trainer.waitForRun((o) => o.trained.requestIds.includes(req.requestId), 180_000);
    assert.notEqual(run.trained.decision, 'failed', run.trained.decisionReason);
    assert.equal(run.trained.dataRows, h.events);
  });
});

/** The materialized first week of a series, as an event (to copy its store fields). */
async function firstEventOf(store: number, dept: number): Promise<SalesWeek> {
  const { generateHistory } = await import('../../domain/simulation/generator.js');
  for (const e of generateHistory(sim)) if (e.store === store && e.dept === dept) return e;
  throw new Error(`no series ${store}:${dept} in the simulation`);
}
