/** A failed run's request is asked again after a backoff, under a counted id, until TRAIN_RETRIES is used up (real Kafka, ClickHouse, trainer). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MODEL_TRAINED, TRAINING_REQUESTED } from '../../domain/contracts.js';
import { cleanUp, loadHistory, readTopic, smallSim, uniqueConfig, type History } from '../test/fixture.js';
import { startTrainer, type TrainerService } from './trainer-service.js';

const cfg = uniqueConfig('retry', (d) => {
  d.trainer.retries = 1;
  d.trainer.retryBackoffMs = 300;
});
let history: History;
let trainer: TrainerService;

describe('retrying a failed run', { timeout: 180_000 }, () => {
  before(async () => {
    history = await loadHistory(cfg, smallSim(12));
    trainer = await startTrainer(cfg, { schedule: false, threshold: false });
  });
  after(async () => {
    await trainer?.stop();
    await history?.stop();
    await cleanUp(cfg);
  });

  it('asks again once as retry-1-<id>, which fails too, and then stops', async () => {
    const req = await trainer.request({ trigger: 'manual', reason: 'before time', cutoffWeek: '2001-01-05' });
    const first = await trainer.waitForRun((o) => o.trained.requestIds.includes(req.requestId));
    assert.equal(first.trained.decision, 'failed');
    const retry = await trainer.waitForRun((o) => o.trained.requestIds.includes(`retry-1-${req.requestId}`), 60_000);
    assert.equal(retry.trained.decision, 'failed');
    await new Promise((r) => setTimeout(r, 3_000));
    const requests = await readTopic(cfg, cfg.topics.trainingRequests, TRAINING_REQUESTED);
    assert.deepEqual(requests.map((r) => r.requestId), [req.requestId, `retry-1-${req.requestId}`], 'no second retry');
    const retried = requests[1]!;
    assert.equal(retried.cutoffWeek, '2001-01-05');
    assert.match(retried.reason, /^retry 1\/1 of .+ \(before time\): the run failed: /);
    assert.equal((await readTopic(cfg, cfg.topics.modelTrained, MODEL_TRAINED)).length, 2);
  });
});
