/**
 * The whole recovery from a structural break, against the real stack with
 * every process in-process: the materializer, the forecast projector, the
 * trainer (decay trigger on) and the gateway (it publishes the champion's
 * forecasts on each promotion and each new week, as in a real run). v1 is
 * trained and promoted on request; healthy weeks give it a live accuracy;
 * then the biggest department's sales halve in every store. Shown: decay
 * detected, a `decay` training request carrying the numbers, a new model
 * trained and promoted, and the new champion's live WMAE over the broken
 * weeks that follow lower than the window that fired.
 *
 * Nothing here publishes a forecast or a model by hand: every number is the
 * pipeline's own, so the figures logged (t.diagnostic) are what
 * docs/training.md, "Decay scenario", reports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMaterializer, type Materializer } from '../../consumers/materializer/main.js';
import { startProjector, type Projector } from '../../lib/projection/projector.js';
import { FORECAST_PROJECTION } from '../../domain/forecasts/io/projection.js';
import { TRAINING_REQUESTED, MODEL_TRAINED } from '../../domain/contracts.js';
import { newRequest } from '../../domain/training/request.js';
import { generateWeek } from '../../domain/simulation/generator.js';
import { addWeeks } from '../../lib/weeks.js';
import { setUp, SIM, type Fixture } from '../../gateway/test/fixture.js';
import { startGateway, type Gateway } from '../../gateway/server.js';
import { decayThreshold, type LiveWindow } from './decay.js';
import { readTopic, until, waitForRows } from '../test/fixture.js';
import { startTrainer, type TrainerService } from '../service/trainer-service.js';

/** Dept 1 is the simulator's biggest (about 45% of the sales with this seed): halving it moves the total error clearly. */
const BROKEN_DEPT = 1;
const FACTOR = 0.5;
/** The decay window (weeks): short, so the test sees detection and recovery in a few simulated weeks. */
const WINDOW = 2;
/** Broken weeks sent after the first retraining, at most, for the live error to come back. */
const MAX_WEEKS_AFTER = 8;
/** Fires at seasonal naive's WMAE or twice the backtest's (the defaults), over WINDOW weeks. */
const POLICY = { weeks: WINDOW, naiveRatio: 1, backtestFactor: 2 };
const breakFrom = addWeeks(SIM.startWeek, SIM.weeks + WINDOW);
const broken = { ...SIM, breaks: [{ dept: BROKEN_DEPT, factor: FACTOR, fromWeek: breakFrom }] };

let f: Fixture;
let mat: Materializer;
let projector: Projector;
let trainer: TrainerService;
let gw: Gateway;
/** The next simulated week index to send. */
let next = SIM.weeks;
/** Series-weeks known so far (for seasonal naive's year-before actual), and the points each sent week can score. */
let known = new Set<string>();
const scorable = new Map<string, number>();

/**
 * Waits until the gateway has published `version`'s forecasts from `origin` for
 * every series it forecasts: the next week is then scored against them.
 */
async function forecastsFrom(origin: string, version: number): Promise<void> {
  await until(
    () => {
      const all = [...gw.forecasts.values()].map((x) => x.event);
      return all.length > 0 && all.every((e) => e.origin === origin && e.modelVersion === version);
    },
    60_000,
    `v${version}'s forecasts from ${origin}`,
    () => [...gw.forecasts.values()].map((x) => `${x.event.store}:${x.event.dept} v${x.event.modelVersion} ${x.event.origin}`),
  );
}

/** Sends the next simulated week (broken from `breakFrom` on) and waits for `version`'s forecasts from it. */
async function sendWeek(version: number): Promise<string> {
  const week = generateWeek(broken, next++);
  // the points live accuracy will score: series forecast from the week before, with their actual a year before
  const forecast = new Set([...gw.forecasts.values()].map((x) => `${x.event.store}:${x.event.dept}`));
  scorable.set(week[0]!.week, week.filter((e) => forecast.has(`${e.store}:${e.dept}`) && known.has(`${e.store}:${e.dept}:${addWeeks(e.week, -52)}`)).length);
  known = new Set([...known, ...week.map((e) => `${e.store}:${e.dept}:${e.week}`)]);
  await f.sales.send(week);
  await forecastsFrom(week[0]!.week, version);
  return week[0]!.week;
}

const runs = () => readTopic(f.cfg, f.cfg.topics.modelTrained, MODEL_TRAINED);
const decayRequests = async () => (await readTopic(f.cfg, f.cfg.topics.trainingRequests, TRAINING_REQUESTED)).filter((r) => r.trigger === 'decay');
/** The version the gateway serves (and publishes forecasts of). */
const champion = () => gw.holder.current?.version ?? null;
/** The decay watcher's window for `version` ending at `to`, once measured. */
const windowOf = (version: number, to: string): LiveWindow | null => {
  const d = trainer.decay();
  return d?.version === version && d.window?.to === to ? d.window : null;
};
/** The window once it scores every point of its weeks (a measurement may come before the last forecast row is visible). */
const fullWindowOf = (version: number, to: string): LiveWindow | null => {
  const w = windowOf(version, to);
  let expected = 0;
  for (let i = 0; i < WINDOW; i++) expected += scorable.get(addWeeks(to, -i)) ?? NaN;
  return w && w.points === expected ? w : null;
};
/**
 * Waits for the run answering `requestId` and, when it was promoted, for the
 * gateway to serve it and publish its forecasts from the latest week.
 */
async function settle(requestId: string) {
  await until(async () => (await runs()).some((r) => r.requestIds.includes(requestId)), 240_000, `a run for ${requestId}`, () => trainer.triggers());
  const run = (await runs()).find((r) => r.requestIds.includes(requestId))!;
  if (run.decision === 'promoted') {
    await until(() => champion() === run.version, 60_000, `v${run.version} served by the gateway`);
    await forecastsFrom(addWeeks(SIM.startWeek, next - 1), run.version);
  }
  return run;
}
const fmt = (w: LiveWindow) =>
  `WMAE ${w.wmae.toFixed(0)} over ${w.from}..${w.to} (${w.points} points), ${w.ratioToNaive.toFixed(2)}x seasonal naive ${w.naiveWmae.toFixed(0)}, ${w.ratioToBacktest?.toFixed(2) ?? '-'}x backtest ${w.backtestWmae?.toFixed(0) ?? '-'}, threshold ${decayThreshold(w, POLICY).toFixed(0)}`;

let detected: LiveWindow;

describe('recovery from a structural break: decay detected, retrained, promoted, accuracy back (integration)', { timeout: 600_000 }, () => {
  before(async () => {
    f = await setUp('decayrec', {
      patch: (d) => {
        d.materializer.batchMs = 100;
        d.trainer.decay = POLICY;
        // The first retraining comes one broken week after the break: its training rows end before its 8-week
        // holdout, so it has seen none of the break and is v1 again with 8 more weeks (observed: holdout WAPE
        // 14.95% against v1's 14.97%). With the fixture's margin 0 its promotion is a coin toss on 0.02 points;
        // a 2% margin makes the honest outcome deterministic: that run is rejected, v1 keeps serving, and the
        // next decay window asks again, for a model whose holdout holds 3 broken weeks (observed: 21.18% vs
        // v1's 22.39%, promoted by more than the margin).
        d.trainer.promotionMargin = 0.02;
      },
    });
    known = new Set(f.events.map((e) => `${e.store}:${e.dept}:${e.week}`));
    mat = await startMaterializer(f.cfg);
    await waitForRows(f.cfg, f.events.length);
    projector = await startProjector(f.cfg, FORECAST_PROJECTION, { flushMs: 50 });
    trainer = await startTrainer(f.cfg, { groupPrefix: `trainer-${f.cfg.clickhouse.database}`, schedule: false, threshold: false, decayEveryMs: 300 });
    gw = await startGateway(f.cfg, { tickMs: 500 });
  });
  after(async () => {
    await gw?.close();
    await trainer?.stop();
    await projector?.stop();
    await mat?.stop();
    await f?.cleanup();
  });

  it('v1, trained and promoted on request, is measured live on healthy weeks without a decay request', async (t) => {
    await f.publisher.trainingRequested(newRequest({ trigger: 'manual', reason: 'decay scenario: first model', requestedBy: 'test' }));
    await until(() => champion() === 1, 240_000, 'v1 promoted and seen by the gateway', () => trainer.triggers());
    await forecastsFrom(addWeeks(SIM.startWeek, SIM.weeks - 1), 1);
    let last = '';
    for (let i = 0; i < WINDOW; i++) last = await sendWeek(1);
    await until(() => fullWindowOf(1, last) !== null, 60_000, `v1's live window up to ${last}, every point scored`, () => ({ decay: trainer.decay(), scorable: [...scorable] }));
    const w = fullWindowOf(1, last)!;
    t.diagnostic(`healthy: v1 ${fmt(w)}`);
    assert.ok(w.ratioToNaive < 1 && (w.ratioToBacktest ?? 0) < 2, `v1 healthy live: ${fmt(w)}`);
    assert.deepEqual(await decayRequests(), []);
  });

  it(`after dept ${BROKEN_DEPT}'s sales are scaled by ${FACTOR} in every store: decay detected, one request with trigger decay and the numbers`, async (t) => {
    let sent = 0;
    // one broken week at a time, each forecast by the champion first, until the trigger fires (at most 2 windows)
    while ((await decayRequests()).length === 0) {
      assert.ok(sent < 2 * WINDOW, `no decay request after ${sent} broken weeks; last window: ${JSON.stringify(trainer.decay())}`);
      const week = await sendWeek(1);
      sent++;
      await until(async () => windowOf(1, week) !== null || (await decayRequests()).length > 0, 60_000, `v1's window up to ${week} measured`, () => trainer.decay());
    }
    const [r, ...more] = await decayRequests();
    assert.equal(more.length, 0);
    t.diagnostic(`${sent} broken weeks sent; ${r!.requestId}: ${r!.reason}`);
    assert.match(r!.requestId, /^decay-v1-\d{4}-\d{2}-\d{2}$/);
    const to = r!.requestId.slice('decay-v1-'.length);
    assert.ok(to >= breakFrom, `the window that fired (to ${to}) holds a broken week (from ${breakFrom})`);
    assert.match(r!.reason, /^accuracy decay of v1: live WMAE [\d,]+ over 2 weeks \S+ \(\d+ points\) is [\d.]+x seasonal naive's [\d,]+ \(threshold 1x\) and [\d.]+x its backtest WMAE [\d,]+ \(threshold 2x\)$/);
    await until(() => windowOf(1, to) !== null || champion() !== 1, 30_000, `the window up to ${to} in the trainer's status`);
    detected = windowOf(1, to) ?? (() => assert.fail(`the trainer moved past the window that fired (${JSON.stringify(trainer.decay())})`))();
    t.diagnostic(`at detection: v1 ${fmt(detected)}`);
    const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
    assert.ok(r!.reason.includes(`live WMAE ${money(detected.wmae)} over 2 weeks ${detected.from}..${detected.to}`), 'the reason carries the window measured');
    assert.ok(detected.ratioToNaive >= 1 || detected.ratioToBacktest! >= 2, fmt(detected));
  });

  it('a new model is trained for the decay request, on every week up to the window that fired', async (t) => {
    const req = (await decayRequests())[0]!;
    const run = await settle(req.requestId);
    t.diagnostic(`v${run.version} (${run.trigger}, data to ${run.dataMaxWeek}, holdout ${run.holdoutWeeks[0]}..${run.holdoutWeeks.at(-1)}): ${run.decisionReason}`);
    assert.equal(run.version, 2);
    assert.equal(run.trigger, 'decay');
    assert.equal(run.dataMaxWeek, detected.to, 'trained on every week up to the window that fired');
    assert.notEqual(run.decision, 'failed', run.decisionReason);
  });

  it("as the broken weeks go on, a model retrained for a decay request is promoted and its live WMAE falls below the window that fired", async (t) => {
    const timeline: string[] = [];
    let recovered: { version: number; w: LiveWindow } | null = null;
    /** Weeks each champion forecast: its window is measured from its WINDOW-th week on. */
    const served = new Map<number, number>();
    for (let i = 0; i < MAX_WEEKS_AFTER && !recovered; i++) {
      const version = champion()!;
      const week = await sendWeek(version);
      served.set(version, (served.get(version) ?? 0) + 1);
      if (served.get(version)! < WINDOW) {
        timeline.push(`${week}: v${version} (week ${served.get(version)} of its first window)`);
        continue;
      }
      await until(() => fullWindowOf(version, week) !== null, 60_000, `v${version}'s live window up to ${week}, every point scored`, () => ({ decay: trainer.decay(), scorable: [...scorable] }));
      const w = fullWindowOf(version, week)!;
      // a request made for this window (a retraining of the retrained model) is run before the next week arrives
      const asked = (await decayRequests()).find((r) => r.requestId === `decay-v${version}-${week}`);
      const run = asked ? await settle(asked.requestId) : null;
      timeline.push(`${week}: v${version} ${fmt(w)}${run ? `; decay request -> v${run.version} ${run.decisionReason}` : ''}`);
      if (w.wmae < detected.wmae && w.from > detected.to) recovered = { version, w };
    }
    for (const line of timeline) t.diagnostic(line);
    assert.ok(recovered, `no window after detection below ${detected.wmae.toFixed(0)} within ${MAX_WEEKS_AFTER} broken weeks:\n${timeline.join('\n')}`);
    const run = (await runs()).find((r) => r.version === recovered!.version)!;
    assert.equal(run.trigger, 'decay', `the champion that recovered, v${run.version}, was trained for a decay request`);
    assert.ok(run.dataMaxWeek >= breakFrom, `v${run.version} trained on data up to ${run.dataMaxWeek}, after the break (${breakFrom})`);
    assert.equal(run.decision, 'promoted');
  });
});
