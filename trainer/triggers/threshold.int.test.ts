/**
 * The threshold trigger against real services: with the history already in,
 * it asks once for a first model; after one injected "next week" (a dozen
 * events) it asks exactly once more, and re-sending that week (same data)
 * asks nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKafka, groupLag } from '../../lib/kafka/client.js';
import { MODEL_TRAINED, TRAINING_REQUESTED } from '../../domain/contracts.js';
import { cleanUp, loadHistory, readTopic, sendWeek, smallSim, uniqueConfig, until, waitForRows, type History } from '../test/fixture.js';
import { championDataWeek } from '../../domain/registry/state.js';
import { startTrainer, type TrainerService } from '../service/trainer-service.js';

const cfg = uniqueConfig('thr', (d) => {
  d.trainer.thresholdFraction = 0.5;
});
const sim = smallSim(70);
const group = `trainer-${cfg.clickhouse.database}`;
let history: History;
let trainer: TrainerService;

const thresholdRequests = async () => (await readTopic(cfg, cfg.topics.trainingRequests, TRAINING_REQUESTED)).filter((r) => r.trigger === 'threshold');

/** Waits until the watcher has consumed everything on the sales topic. */
async function watcherCaughtUp(): Promise<void> {
  const admin = createKafka(cfg, 'test-lag').admin();
  await admin.connect();
  try {
    await until(async () => (await groupLag(admin, `${group}-threshold`, cfg.topics.sales)) === 0, 30_000, 'the threshold watcher to catch up');
  } finally {
    await admin.disconnect();
  }
}

describe('threshold trigger (integration)', { timeout: 300_000 }, () => {
  before(async () => {
    history = await loadHistory(cfg, sim);
    trainer = await startTrainer(cfg, { groupPrefix: group, schedule: false, thresholdMinWeeks: 60 });
  });
  after(async () => {
    await trainer?.stop();
    await history?.stop();
    await cleanUp(cfg);
  });

  it('asks once for a first model when enough history is there, and that run becomes the champion', async () => {
    const run = await trainer.waitForRun((o) => o.trained.trigger === 'threshold');
    assert.equal(run.trained.decision, 'promoted', run.trained.decisionReason);
    await watcherCaughtUp();
    const reqs = await thresholdRequests();
    assert.equal(reqs.length, 1);
    assert.match(reqs[0]!.reason, /enough history for a first model/);
    await until(() => championDataWeek(trainer.registry()) === run.trained.dataMaxWeek, 15_000, 'the champion window to move');
  });

  it('after one injected week fires exactly once, not once per event, and not again for re-sent data', async () => {
    const events = await sendWeek(history, sim, 70);
    assert.ok(events.length >= 10, `a week has one event per series (${events.length})`);
    const run = await trainer.waitForRun((o) => o.trained.trigger === 'threshold' && o.trained.dataMaxWeek === events[0]!.week);
    assert.deepEqual(run.trained.holdoutWeeks.at(-1), events[0]!.week);
    await watcherCaughtUp();
    let reqs = await thresholdRequests();
    assert.equal(reqs.length, 2, 'one request for the first model, one for the new week');
    assert.equal(reqs[1]!.cutoffWeek, events[0]!.week);
    assert.match(reqs[1]!.reason, /have data after/);

    // the same week again: an upsert downstream, the same data for the trigger
    await sendWeek(history, sim, 70);
    await watcherCaughtUp();
    await waitForRows(cfg, history.events + events.length);
    reqs = await thresholdRequests();
    assert.equal(reqs.length, 2, 're-sent data does not fire');
    const runs = await readTopic(cfg, cfg.topics.modelTrained, MODEL_TRAINED);
    assert.equal(runs.length, 2);
  });
});
