/**
 * Retraining on accuracy decay, against real services: the champion's h = 1
 * forecasts go through `forecast.published` and the forecast projector into
 * ClickHouse, the actuals through `sales.weekly` and the materializer. While
 * its live error stays near its backtest figure nothing is asked; after a
 * structural break (one department's sales in every store scaled by 0.6
 * from one week on, which the forecasts did not foresee) the trainer asks
 * for a retraining once, with trigger `decay` and the numbers in the reason.
 *
 * The forecasts are published by the test (the actual x 1.02 before the
 * break; the unbroken level after it), so the test knows the live error
 * exactly and needs no gateway; the gateway publishes the same events in a
 * real run (gateway/forecasts/).
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import { createKafka } from '../../lib/kafka/client.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { addWeeks } from '../../lib/weeks.js';
import { startProjector, type Projector } from '../../lib/projection/projector.js';
import { FORECAST_PROJECTION } from '../../domain/forecasts/io/projection.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { TRAINING_REQUESTED } from '../../domain/contracts.js';
import { TRAINING_CHANNEL_NAME, type TrainingDiagnostic } from '../../domain/training/diagnostics.js';
import { HOLIDAY_WEIGHT } from '../../domain/registry/metrics.js';
import { generateHistory, generateWeek } from '../../domain/simulation/generator.js';
import { promoted, trained } from '../../domain/registry/test/events.js';
import type { ForecastPublished, ModelPromoted, ModelTrained, SalesWeek } from '../../schemas/types.js';
import { cleanUp, loadHistory, readTopic, smallSim, uniqueConfig, until, type History } from '../test/fixture.js';
import { startTrainer, type TrainerService } from '../service/trainer-service.js';

const cfg = uniqueConfig('decay', (d) => {
  d.trainer.decay = { weeks: 4, naiveRatio: 1, backtestFactor: 2 };
  // The trainer really trains on the decay request; a promoted v2 would become the champion these tests
  // measure (it has no forecasts here: the tests publish v1's), so no challenger may pass the bar.
  d.trainer.promotionMargin = 0.99;
});
const WEEKS = 70;
const sim = smallSim(WEEKS);
const BROKEN_DEPT = 1;
let history: History;
let projector: Projector;
let trainer: TrainerService;
let codec: AvroCodec;
let events: EventPublisher;
let last: SalesWeek[][];
const producer = createKafka(cfg, 'test-forecasts').producer();

/** What the trainer said about decay windows (relayed on training.log to the dashboard's Components panel). */
const said: Extract<TrainingDiagnostic, { type: 'decay' }>[] = [];
const listen = (m: unknown) => {
  if ((m as TrainingDiagnostic).type === 'decay') said.push(m as Extract<TrainingDiagnostic, { type: 'decay' }>);
};
const decayRequests = async () => (await readTopic(cfg, cfg.topics.trainingRequests, TRAINING_REQUESTED)).filter((r) => r.trigger === 'decay');

/** The champion's one-week-ahead forecast of each actual in `week` (h = 1, origin the week before). */
async function publishForecasts(actuals: readonly SalesWeek[], forecastOf: (e: SalesWeek) => number): Promise<void> {
  const messages = actuals.map((e) => {
    const f: ForecastPublished = {
      store: e.store, dept: e.dept, origin: addWeeks(e.week, -1), modelVersion: 1, trigger: 'week', publishedAt: Date.now(),
      points: [{ week: e.week, horizon: 1, forecast: forecastOf(e), lower80: null, upper80: null, lower95: null, upper95: null }],
    };
    return { key: `${e.store}:${e.dept}`, value: codec.encode('forecastPublished', f) };
  });
  await producer.send({ topic: cfg.topics.forecastPublished, acks: -1, messages });
}

const healthy = (e: SalesWeek) => Math.round(e.weeklySales * 1.02 * 100) / 100;
const known = new Set([...generateHistory(sim)].map((e) => `${e.store}:${e.dept}:${e.week}`));
/** The points live accuracy scores: those seasonal naive has too (the series' week a year before is known). */
const scored = (weeks: SalesWeek[][]) => weeks.flat().filter((e) => known.has(`${e.store}:${e.dept}:${addWeeks(e.week, -52)}`));

/** WMAE of the healthy forecasts over some weeks (the live figure the champion starts with), as the trainer computes it. */
function healthyWmae(weeks: SalesWeek[][]): number {
  let err = 0;
  let weight = 0;
  for (const e of scored(weeks)) {
    const w = e.isHoliday ? HOLIDAY_WEIGHT : 1;
    err += w * Math.abs(healthy(e) - e.weeklySales);
    weight += w;
  }
  return err / weight;
}

describe('retraining on accuracy decay (integration)', { timeout: 300_000 }, () => {
  before(async () => {
    subscribe(TRAINING_CHANNEL_NAME, listen);
    history = await loadHistory(cfg, sim);
    codec = await bootstrapContracts(cfg);
    await producer.connect();
    events = await EventPublisher.connect(createKafka(cfg, 'test-registry'), codec, cfg.topics);
    projector = await startProjector(cfg, FORECAST_PROJECTION, { flushMs: 50 });
    // the champion, promoted on a backtest WMAE equal to its live error before the break
    last = [66, 67, 68, 69].map((i) => generateWeek(sim, i));
    const run = trained(1, 'promoted').event as ModelTrained;
    await events.modelTrained({ ...run, metrics: JSON.stringify({ model: { n: 100, wape: 0.02, mae: 1, rmse: 1, wmae: healthyWmae(last) } }) });
    await events.modelPromoted(promoted(1, null).event as ModelPromoted);
    for (const week of last) await publishForecasts(week, healthy);
    trainer = await startTrainer(cfg, { groupPrefix: `trainer-${cfg.clickhouse.database}`, schedule: false, threshold: false, decayEveryMs: 300 });
  });
  after(async () => {
    unsubscribe(TRAINING_CHANNEL_NAME, listen);
    await trainer?.stop();
    await projector?.stop();
    await producer.disconnect();
    await events?.disconnect();
    await history?.stop();
    await cleanUp(cfg);
  });

  it('a champion as accurate live as in its backtest: measured, nothing asked', async (t) => {
    const lastWeek = addWeeks(sim.startWeek, WEEKS - 1);
    // every point projected and measured: a window is measured as soon as one point of its last week is there
    const points = scored(last).length;
    await until(() => trainer.decay()?.window?.to === lastWeek && trainer.decay()!.window!.points === points, 60_000, `the decay trigger to measure the ${points} points of the 4 weeks before the break`);
    const w = trainer.decay()!.window!;
    t.diagnostic(`before the break: live WMAE ${w.wmae.toFixed(1)} over ${w.from}..${w.to}, ${w.ratioToNaive.toFixed(2)}x seasonal naive, ${w.ratioToBacktest!.toFixed(2)}x the backtest`);
    assert.equal(trainer.decay()!.version, 1);
    assert.ok(Math.abs(w.ratioToBacktest! - 1) < 1e-6, `live WMAE ${w.wmae} equals the backtest figure ${w.backtestWmae}`);
    assert.ok(w.ratioToNaive < 1, `better than seasonal naive (${w.ratioToNaive})`);
    assert.deepEqual(await decayRequests(), []);
    const line = said.findLast((d) => d.text.includes(`..${lastWeek} (${points} points)`));
    assert.ok(line, `the window was said: ${said.map((d) => d.text).join(' | ')}`);
    assert.equal(line.decayed, false);
    assert.match(line.text, /^v1 live WMAE [\d,]+ over \S+ \(\d+ points\): 0\.\d\dx seasonal naive \(threshold 1x\), 1\.00x its backtest \(threshold 2x\)$/);
  });

  it('after a structural break it asks once for a retraining, trigger decay, with the numbers', async (t) => {
    const broken = [WEEKS, WEEKS + 1, WEEKS + 2, WEEKS + 3].map((i) => generateWeek(sim, i));
    for (const week of broken) {
      // the forecast was made before the break was known: the unbroken level
      await publishForecasts(week, healthy);
      await history.producer.send(week.map((e) => (e.dept === BROKEN_DEPT ? { ...e, weeklySales: Math.round(e.weeklySales * 0.6 * 100) / 100 } : e)));
    }
    const brokenFrom = addWeeks(sim.startWeek, WEEKS);
    await until(async () => (await decayRequests()).length > 0, 60_000, 'a decay request');
    await until(() => trainer.decay()?.window?.to === addWeeks(brokenFrom, 3) && trainer.decay()!.window!.points === scored(broken).length, 60_000, 'the decay trigger to measure the 4 broken weeks');
    const reqs = await decayRequests();
    assert.equal(reqs.length, 1, `one request for overlapping windows: ${reqs.map((r) => r.requestId).join(', ')}`);
    const r = reqs[0]!;
    t.diagnostic(`${r.requestId}: ${r.reason}`);
    assert.ok(said.some((d) => d.decayed && d.text.includes(`..${r.requestId.slice('decay-v1-'.length)} `)), 'the window that fired was said as decayed');
    assert.equal(r.requestedBy, 'decay-watcher');
    assert.match(r.requestId, /^decay-v1-\d{4}-\d{2}-\d{2}$/);
    assert.ok(r.requestId.slice('decay-v1-'.length) >= brokenFrom, `the window that fired holds a broken week (${r.requestId})`);
    assert.match(r.reason, /^accuracy decay of v1: live WMAE [\d,]+ over 4 weeks \S+ \(\d+ points\) is [\d.]+x seasonal naive's [\d,]+ \(threshold 1x\) and [\d.]+x its backtest WMAE [\d,]+ \(threshold 2x\)$/);
    const ratio = Number(/and ([\d.]+)x its backtest/.exec(r.reason)![1]);
    assert.ok(ratio >= 2, `the backtest ratio that fired: ${ratio}`);
    const w = trainer.decay()!.window!;
    // the reason rounds to 2 decimals
    assert.ok(w.ratioToBacktest! >= ratio - 0.005, `4 broken weeks in the window: ${w.ratioToBacktest}x the backtest, no better than when it fired (${ratio}x)`);
  });

  it('measures only once the forecast projection has caught up too: it waits while forecasts are not projected, and says so', async () => {
    await projector.stop();
    const week = generateWeek(sim, WEEKS + 4);
    await publishForecasts(week, healthy);
    await history.producer.send(week);
    // the materializer may be behind the new week first (a legitimate wait of its own); the forecast projector stays behind
    const forecastsBehind = new RegExp(`^waiting for the data: forecast projector ${week.length} events behind forecast\\.published`);
    await until(() => trainer.triggers()[2]!.waiting && forecastsBehind.test(trainer.triggers()[2]!.reason), 30_000, 'the decay check to wait for the forecast projector', () => trainer.triggers()[2]);
    assert.equal(trainer.triggers()[2]!.trigger, 'decay');
    const measured = trainer.decay()!.window!.to;
    assert.equal(measured, addWeeks(sim.startWeek, WEEKS + 3), 'the new week is not measured while its forecasts are not projected');
    projector = await startProjector(cfg, FORECAST_PROJECTION, { flushMs: 50 });
    await until(() => trainer.decay()?.window?.to === week[0]!.week, 60_000, 'the new week to be measured once projected', () => ({ gate: trainer.triggers()[2], decay: trainer.decay() }));
    assert.equal(trainer.triggers()[2]!.waiting, false);
  });
});
