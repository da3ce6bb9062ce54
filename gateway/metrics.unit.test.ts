import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics, MAX_VERSION_LABELS } from './metrics.js';

test('model_version labels stay bounded: the newest versions keep their series, older ones share "older"', async () => {
  const m = createMetrics();
  for (let v = 1; v <= 8; v++) m.predictions.inc({ model_version: m.versionLabel(v), kind: 'predict' }, v);
  m.predictions.inc({ model_version: m.versionLabel(2), kind: 'predict' }, 100);
  const values = (await m.predictions.get()).values;
  const labels = values.map((x) => String(x.labels.model_version)).sort();
  assert.equal(MAX_VERSION_LABELS, 5);
  assert.deepEqual(labels, ['4', '5', '6', '7', '8', 'older']);
  assert.equal(values.find((x) => x.labels.model_version === 'older')!.value, 100);
  assert.equal(values.find((x) => x.labels.model_version === '8')!.value, 8);
});
