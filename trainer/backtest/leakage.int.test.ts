import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { isolatedConfig } from '../../lib/testing.js';
import { addWeeks } from '../../lib/weeks.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { cyclicHistory, salesEvent } from './fixtures.js';
import { parseRequest } from '../../domain/backtest/request.js';
import { runBacktest } from './run.js';

const START = '2011-01-07';
const week = (i: number) => addWeeks(START, i);
const SPIKE = 1e9;
const LATE = 5e8;
const FORECASTS = ['model', 'seasonal_naive', 'last_value', 'mean_4'];

describe('no forecast uses data from after its cut-off (real Kafka, XGBoost)', () => {
  const { cfg, cleanup } = isolatedConfig('leak');
  const out = mkdtempSync(join(tmpdir(), 'backtest-leak-'));
  before(async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    // 1:1 spikes at week 62, in the normal flow; 1:2 gets a huge correction of week 63 after everything else
    const events = cyclicHistory({ stores: 2, depts: 2, weeks: 66, start: START }).map((e) =>
      e.store === 1 && e.dept === 1 && e.week === week(62) ? { ...e, weeklySales: SPIKE } : e,
    );
    await producer.send(events);
    await producer.send([salesEvent(1, 2, week(63), LATE)]);
    await producer.disconnect();
  });
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await cleanup();
  });

  it('plants a future spike and a late correction; neither reaches a forecast made before it was known', async () => {
    const req = parseRequest({ from: week(59), to: week(63), horizon: 3, refitEvery: 2, params: { rounds: 30 }, out }, 4);
    const r = await runBacktest(cfg, req, { log: createLogger('leak-test'), project: false });
    assert.deepEqual(r.cutoffs, [59, 60, 61, 62, 63].map(week));
    const [head, ...lines] = readFileSync(r.files.pointsCsv, 'utf8').trim().split('\n');
    const cols = head!.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
    const series = (store: number, dept: number) => rows.filter((x) => x.store === String(store) && x.dept === String(dept));
    const huge = (v: string | undefined) => v !== undefined && v !== '' && Math.abs(Number(v)) >= 1e6;

    const spiked = series(1, 1);
    const before = spiked.filter((x) => x.cutoff! < week(62));
    assert.equal(before.length, 3 + 3 + 3, 'cut-offs 59, 60, 61 at h = 1..3');
    for (const x of before) for (const f of FORECASTS) assert.ok(!huge(x[f]), `cut-off ${x.cutoff} h=${x.horizon} ${f}=${x[f]} used the spike`);
    assert.ok(before.some((x) => x.week === week(62) && Number(x.actual) === SPIKE), 'the spike is scored as an actual');
    const known = spiked.find((x) => x.cutoff === week(62) && x.horizon === '1');
    assert.equal(Number(known?.last_value), SPIKE, 'from cut-off 62 on it is known and used: the check above can fail');

    const corrected = series(1, 2);
    for (const x of corrected) for (const f of FORECASTS) assert.ok(!huge(x[f]), `cut-off ${x.cutoff} h=${x.horizon} ${f}=${x[f]} used the late correction`);
    assert.ok(corrected.some((x) => x.week === week(63) && Number(x.actual) === LATE), 'the correction is the actual of week 63');
  });
});
