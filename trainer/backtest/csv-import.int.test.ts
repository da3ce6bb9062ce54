import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { isolatedConfig } from '../../lib/testing.js';
import { importCsv } from '../../producers/import.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { parseRequest } from '../../domain/backtest/request.js';
import { runBacktest } from './run.js';

// data/fixtures/walmart-small: 40 good rows, stores 1-2 x depts 1-2 x 10 weeks from 2010-02-05 (and 3 broken lines)
const DIR = 'data/fixtures/walmart-small';

describe('backtest on a tiny imported CSV', () => {
  const { cfg, cleanup } = isolatedConfig('btcsv');
  const out = mkdtempSync(join(tmpdir(), 'backtest-csv-'));
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await cleanup();
  });

  it('runs with the defaults and says clearly what ten weeks cannot evaluate', async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    const imported = await importCsv(producer, { train: `${DIR}/train.csv`, features: `${DIR}/features.csv`, stores: `${DIR}/stores.csv` }, createLogger('import'));
    await producer.disconnect();
    assert.equal(imported.sent, 40);

    const r = await runBacktest(cfg, parseRequest({ out }, 4), { log: createLogger('csv-test'), project: false });
    assert.deepEqual(r.cutoffs, ['2010-04-02'], 'the only week with 8 weeks of history and a later week');
    const notes = r.notes.join('\n');
    assert.match(notes, /asked for 39 cut-offs; the data \(2010-02-05 \.\. 2010-04-09, 10 weeks\) allows 1/);
    assert.match(notes, /forecasts target weeks after the last one in the log \(2010-04-09\): not scored/);
    assert.equal(r.metrics.excluded.find((e) => e.method === 'seasonalNaive')?.reason.includes('more than a year'), true);
    assert.ok(!r.metrics.methods.includes('seasonalNaive'));
    assert.ok(r.metrics.methods.includes('lastValue') && r.metrics.methods.includes('mean4'));
    assert.ok(r.metrics.points > 0, 'h = 1 of each series is scored');
    assert.match(readFileSync(r.files.report, 'utf8'), /seasonal naive not compared/);
  });
});
