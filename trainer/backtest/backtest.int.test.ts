import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, exec } from '../../lib/clickhouse/client.js';
import { AppError } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { isolatedConfig } from '../../lib/testing.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { selectProjections } from '../../consumers/replay/projections.js';
import { replay } from '../../consumers/replay/replay.js';
import { cyclicHistory } from './fixtures.js';
import { listBacktests, readBacktest } from '../../domain/backtest/io/projection/read.js';
import { parseRequest } from '../../domain/backtest/request.js';
import { runBacktest } from './run.js';

const quiet = createLogger('backtest-test');

describe('backtest on a generated period-3 cycle (real Kafka, registry, ClickHouse, XGBoost)', () => {
  const { cfg, cleanup } = isolatedConfig('backtest');
  const out = mkdtempSync(join(tmpdir(), 'backtest-int-'));
  before(async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    // 80 weeks, ending where 70 from 2011-01-07 did: the department-profile features start 65 weeks in
    // (52 + 13), and with only 70 weeks nearly every training row lacked them while the forecast rows had them
    await producer.send(cyclicHistory({ stores: 3, depts: 3, weeks: 80, start: '2010-10-29' }));
    await producer.disconnect();
  });
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await cleanup();
  });

  it('beats every naive baseline on the same points, writes its files and records itself', async () => {
    const req = parseRequest({ cutoffs: 4, horizon: 3, refitEvery: 2, params: { rounds: 60 }, out: join(out, 'a'), series: '1:1,9:9' }, 4);
    const r = await runBacktest(cfg, req, { log: quiet });

    assert.deepEqual(r.cutoffs, ['2012-04-06', '2012-04-13', '2012-04-20', '2012-04-27'], 'the last 4 weeks before the final one');
    assert.equal(r.refits.length, 2);
    const m = r.metrics;
    assert.deepEqual(m.methods, ['model', 'seasonalNaive', 'lastValue', 'mean4']);
    assert.equal(m.points, 9 * (3 + 3 + 2 + 1), 'every series, every horizon with an actual');
    const model = m.overall.model!.wape;
    for (const b of ['seasonalNaive', 'lastValue', 'mean4'] as const) {
      assert.ok(model < 0.5 * m.overall[b]!.wape, `model WAPE ${model} vs ${b} ${m.overall[b]!.wape}`);
      assert.ok(m.overall.model!.wmae < m.overall[b]!.wmae, `model WMAE beats ${b}`);
    }
    // where the cycle says it must: at h = 1, 2 no baseline has the phase right (at h = 3 last value does, exactly)
    for (const g of m.byHorizon.slice(0, 2)) {
      for (const b of ['seasonalNaive', 'lastValue', 'mean4'] as const) assert.ok(g.metrics.model!.wape < g.metrics[b]!.wape, `h=${g.horizon}: model beats ${b}`);
    }
    assert.match(r.notes.join('\n'), /series not in the data, not charted: 9:9/);

    const result = JSON.parse(readFileSync(r.files.result, 'utf8')) as { metrics: { points: number } };
    assert.equal(result.metrics.points, m.points);
    const points = readFileSync(r.files.pointsCsv, 'utf8').trim().split('\n');
    assert.equal(points.length, 1 + m.points + m.dropped);
    // the model's interval bounds, point by point, so coverage can be checked from the file
    const cols = points[0]!.split(',');
    assert.deepEqual(cols.slice(-4), ['lower80', 'upper80', 'lower95', 'upper95']);
    const bounded = points.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v]))).filter((x) => x.lower80 !== '');
    assert.ok(bounded.length > 0, 'some points carry bounds');
    for (const x of bounded) assert.ok(Number(x.lower95) <= Number(x.lower80) && Number(x.lower80) <= Number(x.model) && Number(x.model) <= Number(x.upper80) && Number(x.upper80) <= Number(x.upper95), JSON.stringify(x));
    assert.match(readFileSync(r.files.metricsCsv, 'utf8'), /^overall,all,model,81,/m);
    const html = readFileSync(r.files.report, 'utf8');
    assert.ok(html.includes('store 1 dept 1: actual vs forecast') && !/<script[^>]+src=/.test(html));

    const listed = (await listBacktests(cfg)).find((b) => b.id === r.id);
    assert.ok(listed, 'the projection lists the backtest');
    assert.equal(listed.status, 'finished');
    assert.equal(listed.cutoffs.count, 4);
    assert.equal(listed.reportPath, r.files.report);
    assert.ok(Math.abs(listed.wape.model! - model) < 1e-12);
    const detail = await readBacktest(cfg, r.id);
    assert.equal(detail?.metrics.byHorizon?.length, 3);

    const admin = createKafka(cfg, 'test').admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    await admin.disconnect();
    assert.ok(!groups.includes(`backtest-reader-${r.id}`), 'the reader group is gone');
  });

  it('records a failed backtest and says what cannot be evaluated', async () => {
    const req = parseRequest({ from: '2030-01-04', to: '2030-03-01', out: join(out, 'b') }, 4);
    const id = 'bt-20300101-000000-000001';
    await assert.rejects(
      runBacktest(cfg, req, { log: quiet, id }),
      (err: unknown) => err instanceof AppError && err.code === 'BACKTEST_DATA' && /no cut-off can be evaluated in 2030-01-04 \.\. 2030-03-01/.test(err.message),
    );
    const listed = (await listBacktests(cfg)).find((b) => b.id === id);
    assert.equal(listed?.status, 'failed');
    assert.match(listed?.failure ?? '', /^BACKTEST_DATA: no cut-off/);
    assert.ok(!existsSync(join(out, 'b', 'report.html')));
  });

  it('is rebuilt by replay from its two topics, equal to the live projection', async () => {
    const target = `${cfg.clickhouse.database}_r`;
    const ch = createClickhouse(cfg);
    try {
      const r = await replay(cfg, { target, projections: selectProjections(['backtests']), from: { kind: 'beginning' } });
      assert.equal(r.events, 4, 'two requests, one finished, one failed');
      assert.ok(r.comparison?.equal, JSON.stringify(r.comparison?.tables));
    } finally {
      await exec(ch, `DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
      await ch.close();
    }
  });
});
