import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSupervision } from '../lib/process/supervision.js';
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

test('supervised processes: the first scrape already shows the supervisor restarts and liveness, as a counter and a gauge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-metrics-'));
  writeSupervision(dir, {
    supervisorPid: process.pid,
    updatedAt: 0,
    processes: [
      { name: 'trainer', pid: null, restarts: 4, since: 0, lastExit: 'exit 1', lastExitAt: 0 },
      { name: 'materializer', pid: process.pid, restarts: 0, since: 0, lastExit: null, lastExitAt: null },
    ],
  });
  const lines = (await createMetrics(dir).registry.metrics()).split('\n').filter((l) => l.startsWith('wsm_supervised'));
  assert.deepEqual(lines.sort(), [
    'wsm_supervised_process_restarts_total{process="materializer",service="gateway"} 0',
    'wsm_supervised_process_restarts_total{process="trainer",service="gateway"} 4',
    'wsm_supervised_process_up{process="materializer",service="gateway"} 1',
    'wsm_supervised_process_up{process="trainer",service="gateway"} 0',
  ]);
  const text = await createMetrics(dir).registry.metrics();
  assert.match(text, /# TYPE wsm_supervised_process_restarts_total counter/);
});
