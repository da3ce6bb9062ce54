import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AvroCodec, contractText } from '../lib/avro/codec.js';
import { MODEL_TRAINED, TRAINING_REQUESTED } from '../domain/contracts.js';
import { newRequest } from '../domain/training/request.js';
import { trained } from '../domain/registry/test/events.js';
import { AppError } from '../lib/errors.js';
import { isolatedConfig } from '../lib/testing.js';

describe('schema registry compatibility', () => {
  const { cfg, cleanup } = isolatedConfig('compat');
  after(cleanup);

  it('accepts a BACKWARD-compatible change and refuses an incompatible one', async () => {
    const codec = AvroCodec.fromConfig(cfg);
    const topic = cfg.topics.sales;
    const v1 = await codec.register('sales', topic);
    assert.equal(await codec.register('sales', topic), v1, 're-registering the same schema is idempotent');

    const schema = JSON.parse(contractText('sales')) as { fields: object[] };
    const compatible = { ...schema, fields: [...schema.fields, { name: 'channel', type: ['null', 'string'], default: null }] };
    const v2 = await codec.register('sales', topic, JSON.stringify(compatible));
    assert.notEqual(v2, v1, 'an optional field with a default is a new version');

    const incompatible = { ...schema, fields: [...schema.fields, { name: 'region', type: 'string' }] };
    await assert.rejects(codec.register('sales', topic, JSON.stringify(incompatible)), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'SCHEMA_INCOMPATIBLE');
      return true;
    });
  });

  it('model.trained gained curves and feature importance with defaults: the registry accepts it, and a run written before decodes without them', async () => {
    const topic = cfg.topics.modelTrained;
    const schema = JSON.parse(contractText('modelTrained')) as { fields: { name: string }[] };
    const before = { ...schema, fields: schema.fields.filter((x) => x.name !== 'curves' && x.name !== 'featureImportance') };
    assert.equal(before.fields.length, schema.fields.length - 2);
    const old = AvroCodec.fromConfig(cfg);
    await old.register('modelTrained', topic, JSON.stringify(before));
    const run = trained(1, 'promoted');
    const bytes = old.encode('modelTrained', run.event);
    const current = AvroCodec.fromConfig(cfg);
    await current.register('modelTrained', topic);
    const e = await current.decode(MODEL_TRAINED, bytes);
    assert.equal(e.version, 1);
    assert.equal(e.curves, null);
    assert.deepEqual(e.featureImportance, []);
    const curves = { metric: 'mae', rounds: [1, 2], train: [2, 1], valid: [3, 2.5], bestRound: 2, totalRounds: 2 };
    const now = await current.decode(MODEL_TRAINED, current.encode('modelTrained', { ...run.event, curves, featureImportance: [{ feature: 'lag_1', gain: 4.5, splits: 3 }] }));
    assert.deepEqual(now.curves, curves);
    assert.deepEqual(now.featureImportance, [{ feature: 'lag_1', gain: 4.5, splits: 3 }]);
  });

  it('training.requests gained the trigger "decay": BACKWARD needs no enum default (new readers read every old symbol); removing a symbol is refused', async () => {
    const topic = cfg.topics.trainingRequests;
    type Schema = { fields: { name: string; type: { symbols?: string[] } }[] };
    const withSymbols = (keep: (s: string) => boolean): string => {
      const schema = JSON.parse(contractText('trainingRequests')) as Schema;
      const trigger = schema.fields.find((f) => f.name === 'trigger')!.type;
      trigger.symbols = trigger.symbols!.filter(keep);
      return JSON.stringify(schema);
    };
    const old = AvroCodec.fromConfig(cfg);
    await old.register('trainingRequests', topic, withSymbols((s) => s !== 'decay'));
    const bytes = old.encode('trainingRequests', newRequest({ trigger: 'backtest', reason: 'before decay existed', requestId: 'r-old' }));
    const current = AvroCodec.fromConfig(cfg);
    await current.register('trainingRequests', topic);
    assert.equal((await current.decode(TRAINING_REQUESTED, bytes)).trigger, 'backtest');
    assert.equal((await current.decode(TRAINING_REQUESTED, current.encode('trainingRequests', newRequest({ trigger: 'decay', reason: 'x', requestId: 'r-new' })))).trigger, 'decay');
    // a reader without "backtest" could not read the requests already in the log that carry it
    await assert.rejects(AvroCodec.fromConfig(cfg).register('trainingRequests', topic, withSymbols((s) => s !== 'backtest')), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'SCHEMA_INCOMPATIBLE');
      return true;
    });
  });
});
