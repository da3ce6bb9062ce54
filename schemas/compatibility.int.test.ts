import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AvroCodec, contractText } from '../lib/avro.js';
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
});
