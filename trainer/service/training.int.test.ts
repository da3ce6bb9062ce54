/**
 * Real Kafka, registry, ClickHouse and Python: history in, requests in,
 * trained / rejected / failed models and promotions out, then the registry
 * API and CLI over the projection. One shared history keeps the file fast.
 */
import assert from 'node:assert/strict';
import { blendForecasts, isBlend } from '../../domain/ensemble/blend.js';
import { horizonBands } from '../../domain/registry/bands.js';
import { after, before, describe, it } from 'node:test';
import { fetchArtifact } from '../../lib/kafka/artifacts.js';
import { createClickhouse } from '../../lib/clickhouse/client.js';
import { createKafka } from '../../lib/kafka/client.js';
import type { ModelTrained } from '../../schemas/types.js';
import { startRegistryProjector, type RegistryProjector } from '../../consumers/registry/main.js';
import { runModelsCommand } from '../cli/cli.js';
import { FEATURE_COUNT, FEATURE_NAMES, FEATURE_VERSION } from '../../domain/features/features.js';
import { holdoutIntervals, scoreHoldout, splitHoldout } from '../run/holdout.js';
import { MODEL_PROMOTED, MODEL_TRAINED } from '../../domain/contracts.js';
import { cleanUp, loadHistory, readTopic, smallSim, uniqueConfig, until, type History } from '../test/fixture.js';
import { OnnxModel } from '../../domain/model/io/onnx-model.js';
import { openRegistryClient } from '../cli/registry-api.js';
import { championOf } from '../../domain/registry/state.js';
import { loadTrainingData } from '../run/training-data.js';
import { startTrainer, type TrainerService } from './trainer-service.js';
import { inverseTargets } from '../../domain/features/features.js';
import { earlyStoppingSplit } from '../run/dataset.js';
import { DEFAULT_VALID_WEEKS } from '../run/xgboost.js';

const cfg = uniqueConfig('train');
const sim = smallSim(80);
let history: History;
let trainer: TrainerService;
let projector: RegistryProjector;
let champion: ModelTrained;

describe('trainer (integration)', { timeout: 300_000 }, () => {
  before(async () => {
    history = await loadHistory(cfg, sim);
    trainer = await startTrainer(cfg, { groupPrefix: `trainer-${cfg.clickhouse.database}`, schedule: false, threshold: false });
  });
  after(async () => {
    await trainer?.stop();
    await projector?.stop();
    await history?.stop();
    await cleanUp(cfg);
  });

  it('trains, validates and promotes a first model whose ONNX, fetched by URI, reproduces the recorded holdout numbers', async () => {
    const req = await trainer.request({ trigger: 'manual', reason: 'first model', requestedBy: 'int-test' });
    const o = await trainer.waitForRun((x) => x.trained.requestIds.includes(req.requestId));
    champion = o.trained;
    assert.equal(o.trained.decision, 'promoted', o.trained.decisionReason);
    assert.equal(o.trained.version, 1);
    assert.equal(o.trained.featureVersion, FEATURE_VERSION);
    assert.equal(o.trained.dataRows, history.events);
    assert.equal(o.trained.holdoutWeeks.length, cfg.trainer.holdoutWeeks);
    assert.equal(o.trained.holdoutWeeks.at(-1), o.trained.dataMaxWeek);
    const offsets = JSON.parse(o.trained.topicOffsets) as Record<string, number>;
    const covered = Object.values(offsets).reduce((a, b) => a + b + 1, 0);
    assert.equal(covered, history.events, 'the offsets name every sales event read (one history, no re-sends)');
    assert.ok(o.metrics.model!.wape < o.metrics.seasonalNaive!.wape, 'beats seasonal-naive');
    assert.ok(o.promoted, 'a model.promoted event was emitted');

    // the artifact is on the log, verified by hash, loads in onnxruntime-node, and scores the holdout as recorded
    const bytes = await fetchArtifact(createKafka(cfg, 'test-fetch'), o.trained.artifactUri);
    const model = await OnnxModel.load(bytes, { cols: FEATURE_COUNT });
    assert.equal(model.sha256, o.trained.artifactSha256);
    const ch = createClickhouse(cfg);
    const data = await loadTrainingData(ch, cfg.clickhouse.database, null);
    await ch.close();
    const split = splitHoldout([...data.series.values()], { cutoffWeek: data.maxWeek!, holdoutWeeks: cfg.trainer.holdoutWeeks, horizon: cfg.trainer.horizon });
    // the served forecast is the model blended with the statistical member by the weights recorded with the run
    const blend = o.metrics.blend;
    assert.ok(isBlend(blend), 'the run records its blend');
    assert.deepEqual(blend.bands.map((b) => [b.from, b.to]), horizonBands(cfg.trainer.horizon).map((b) => [b.from, b.to]));
    const preds = blendForecasts(inverseTargets(await model.predict(split.holdout.X, split.holdout.rows), split.holdout.X), split.holdout.X, blend);
    // the intervals also pool the early-stopping rows' residuals: rebuild them as trainXgboost split them
    const { valid } = earlyStoppingSplit(split.train, DEFAULT_VALID_WEEKS);
    const validPreds = blendForecasts(inverseTargets(await model.predict(valid.X, valid.rows), valid.X), valid.X, blend);
    await model.close();
    const again = scoreHoldout(split, data.series, preds, null);
    assert.ok(Math.abs(again.metrics.model!.wape - o.metrics.model!.wape) < 1e-9, `${again.metrics.model!.wape} vs ${o.metrics.model!.wape}`);

    // per-band holdout scores and conformal intervals recorded with the model, from the same holdout
    const H = cfg.trainer.horizon;
    assert.deepEqual(o.metrics.bands!.map((b) => b.label), H > 4 ? ['1..4', `5..${Math.min(H, 13)}`, ...(H > 13 ? [`14..${H}`] : [])] : [`1..${H}`]);
    assert.equal(o.metrics.bands!.reduce((a, b) => a + b.points, 0), o.metrics.points, 'the bands partition the holdout points');
    assert.match(o.trained.decisionReason, /no loss in any horizon band/);
    const iv = holdoutIntervals(split, preds, H, { rows: valid, predictions: validPreds });
    const recorded = o.metrics.intervals!;
    assert.deepEqual(recorded.n, iv.n);
    // equal up to float noise (the recorded run scored with another onnxruntime thread count)
    iv.halfWidth.forEach((row, li) => row.forEach((q, h) => assert.ok(Math.abs(q! - recorded.halfWidth[li]![h]!) < 1e-6, `level ${iv.levels[li]} h${h + 1}: ${q} vs ${recorded.halfWidth[li]![h]}`)));
    assert.equal(iv.halfWidth[0]!.length, H);
    assert.ok(iv.halfWidth[0]!.every((q, h) => q !== null && q > 0 && q <= iv.halfWidth[1]![h]!), '0 < 80% half-width <= 95% half-width at every horizon');

    const promotions = await readTopic(cfg, cfg.topics.modelPromoted, MODEL_PROMOTED);
    assert.deepEqual(promotions.map((p) => [p.version, p.kind, p.previousVersion]), [[1, 'promotion', null]]);

    // the run event, as any consumer decodes it, carries the fit's curves and the gain per feature name
    const [recordedRun] = await readTopic(cfg, cfg.topics.modelTrained, MODEL_TRAINED);
    const c = recordedRun!.curves!;
    assert.equal(c.metric, 'mae');
    assert.ok(c.bestRound >= 1 && c.bestRound <= c.totalRounds && c.rounds.length === Math.min(c.totalRounds, 300), `best ${c.bestRound} of ${c.totalRounds}`);
    assert.equal(c.train.length, c.rounds.length);
    assert.equal(c.valid.length, c.rounds.length, 'the early-stopping weeks give a validation curve');
    assert.ok(recordedRun!.featureImportance!.length > 0);
    for (const g of recordedRun!.featureImportance!) assert.ok(FEATURE_NAMES.includes(g.feature) && g.gain > 0 && g.splits > 0, JSON.stringify(g));
  });

  it('rejects a deliberately weak challenger (one stump), records its numbers, and the champion stays', async () => {
    const req = await trainer.request({ trigger: 'manual', reason: 'weak on purpose', params: { rounds: 1, maxDepth: 1, eta: 0.01 } });
    const o = await trainer.waitForRun((x) => x.trained.requestIds.includes(req.requestId));
    assert.equal(o.trained.decision, 'rejected', o.trained.decisionReason);
    assert.match(o.trained.decisionReason, /champion v1/);
    assert.equal(o.promoted, null);
    assert.equal(o.metrics.championVersion, 1);
    // the champion was scored on the same holdout rows it was validated on: same numbers as its own run
    const champMetrics = JSON.parse(champion.metrics) as { model: { wape: number } };
    assert.ok(Math.abs(o.metrics.champion!.wape - champMetrics.model.wape) < 1e-9);
    assert.ok(o.trained.artifactUri.startsWith('kafka://'), 'a rejected model is kept (it can be promoted by hand)');
    const state = await until(async () => championOf(trainer.registry())?.version === 1, 5_000, 'the champion to stay v1').then(() => trainer.registry());
    assert.equal(state.promotions.length, 1);
  });

  it('records a failed run as an event (cut-off before any data), answering its request', async () => {
    const req = await trainer.request({ trigger: 'backtest', reason: 'before time', cutoffWeek: '2001-01-05' });
    const o = await trainer.waitForRun((x) => x.trained.requestIds.includes(req.requestId));
    assert.equal(o.trained.decision, 'failed');
    assert.match(o.trained.decisionReason, /no sales rows/);
    assert.equal(o.trained.artifactUri, '');
    assert.equal(o.trained.curves, null, 'a failed run has no curves');
    assert.deepEqual(o.trained.featureImportance, []);
    const recorded = await readTopic(cfg, cfg.topics.modelTrained, MODEL_TRAINED);
    assert.deepEqual(recorded.map((r) => r.decision), ['promoted', 'rejected', 'failed']);
  });

  it('turns a burst of requests during a run into ONE next run keeping every id and reason', async () => {
    const first = await trainer.request({ trigger: 'manual', reason: 'long one' });
    await until(() => trainer.coordinator().running?.requests.some((r) => r.requestId === first.requestId) ?? false, 30_000, 'the first run to start');
    const burst = [];
    for (const [trigger, reason] of [['schedule', 'tick'], ['threshold', 'new week'], ['manual', 'me too']] as const) burst.push(await trainer.request({ trigger, reason }));
    const ids = burst.map((r) => r.requestId);
    const next = await trainer.waitForRun((x) => x.trained.requestIds.includes(ids[0]!));
    assert.deepEqual(next.trained.requestIds, ids);
    assert.deepEqual(next.trained.reasons, ['schedule: tick', 'threshold: new week', 'manual: me too']);
    assert.equal(next.trained.trigger, 'schedule+threshold+manual');
    const runs = (await readTopic(cfg, cfg.topics.modelTrained, MODEL_TRAINED)).filter((r) => r.requestIds.some((id) => ids.includes(id)));
    assert.equal(runs.length, 1, 'one run for the whole burst');
  });

  it('lists, shows, promotes and rolls back through the projection, the API and the CLI', async () => {
    projector = await startRegistryProjector(cfg, { groupId: `proj-${cfg.clickhouse.database}` });
    const api = openRegistryClient(cfg);
    try {
      // runs and promotions arrive on different topics, so wait until the projection holds both
      await until(
        async () => {
          const l = await api.listModels().catch(() => []);
          return l.length === 5 && l.some((m) => m.version === 1 && m.stage === 'champion');
        },
        30_000,
        '5 versions and the champion in the projection',
      );
      const list = await api.listModels();
      assert.deepEqual(list.map((m) => [m.version, m.stage]).reverse().slice(0, 3), [[1, 'champion'], [2, 'rejected'], [3, 'failed']]);
      assert.match(await runModelsCommand(cfg, ['models', 'list']), /v1\s+champion/);
      assert.match(await runModelsCommand(cfg, ['models', 'show', 'v2']), /decision\s+rejected: rejected: WAPE/);

      await assert.rejects(runModelsCommand(cfg, ['models', 'promote', '3']), /failed to train/);
      await assert.rejects(runModelsCommand(cfg, ['models', 'promote', '99']), /model version 99 not found/);
      await assert.rejects(runModelsCommand(cfg, ['models', 'promote']), /version: expected a model version number/);
      await assert.rejects(runModelsCommand(cfg, ['models', 'rollback']), /no earlier champion/);

      assert.match(await runModelsCommand(cfg, ['models', 'promote', '2', '--reason', 'by hand', '--by', 'ana']), /v2 is the champion \(was v1\)/);
      await until(async () => (await api.champion())?.version === 2, 15_000, 'v2 to be champion in the projection');
      assert.match(await runModelsCommand(cfg, ['models', 'rollback', '--by', 'ana']), /v1 is the champion \(was v2\)/);
      await until(async () => (await api.champion())?.version === 1, 15_000, 'v1 to be champion again');
      const v2 = await api.showModel(2);
      assert.equal(v2.stage, 'archived');
      assert.deepEqual(v2.promotions.map((p) => [p.kind, p.promotedBy]), [['manual', 'ana']]);
      // the trainer's own view agrees with the projection
      await until(() => championOf(trainer.registry())?.kind === 'rollback', 15_000, 'the trainer to see the rollback');
    } finally {
      await api.close();
    }
  });
});
