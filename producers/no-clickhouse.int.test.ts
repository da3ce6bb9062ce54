/**
 * Producers need only Kafka and the schema registry: the simulator CLI runs
 * with ClickHouse pointed at a port where nothing listens (the shared
 * ClickHouse stays up for everyone else), imports the CSV fixture into a
 * unique sales topic, and "next week" finds the latest week in the log.
 */
import { SALES_WEEK } from '../domain/contracts.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import type { AvroCodec } from '../lib/avro/codec.js';
import { withOverrides, type Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger } from '../lib/log.js';
import { deadPort, isolatedConfig, isolatedEnv } from '../lib/testing.js';
import { readTopicEnd } from '../lib/kafka/topic-end.js';
import type { SalesWeek } from '../schemas/types.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { generateWeek } from '../domain/simulation/generator.js';
import { latestLoggedWeek } from '../domain/simulation/io/next-week.js';

const DIR = 'data/fixtures/walmart-small';
const run = promisify(execFile);
const log = createLogger('test');


/** The fixture's good rows as [store, dept, week, sales], read straight from the CSV (broken lines 12, 33 and 44 left out). */
function fixtureRows(): [number, number, string, number][] {
  const lines = readFileSync(`${DIR}/train.csv`, 'utf8').trim().split('\n').slice(1);
  return lines
    .map((l) => l.split(','))
    .filter((f) => f.length === 5 && Number.isFinite(Number(f[3])) && f[2] !== '2010-02-30')
    .map((f) => [Number(f[0]), Number(f[1]), f[2]!, Number(f[3])] as [number, number, string, number]);
}

describe('producers with ClickHouse unreachable (integration)', { timeout: 120_000 }, () => {
  const iso = isolatedConfig('noch');
  let cfg: Readonly<Config>;
  let env: NodeJS.ProcessEnv;
  let codec: AvroCodec;
  const allSales = async (): Promise<SalesWeek[]> => readTopicEnd({ kafka: createKafka(cfg, 'test'), codec, topic: cfg.topics.sales, contract: SALES_WEEK, perPartition: 100_000, log });
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'producers/cli.ts', ...args], { env, timeout: 60_000 });

  before(async () => {
    const port = await deadPort();
    cfg = withOverrides(iso.cfg, (d) => {
      d.clickhouse.url = `http://127.0.0.1:${port}`;
      d.simulator.stores = 2;
      d.simulator.depts = 3;
    });
    env = { ...isolatedEnv(cfg, iso.prefix), CLICKHOUSE_URL: cfg.clickhouse.url, SIM_STORES: '2', SIM_DEPTS: '3', SIM_START_WEEK: '2010-02-05', LOG_LEVEL: 'info' };
    codec = await bootstrapContracts(cfg);
  });
  after(() => iso.cleanup());

  it('the sales log of an empty topic has no latest week', async () => {
    assert.equal(await latestLoggedWeek({ kafka: createKafka(cfg, 'test'), codec, topic: cfg.topics.sales, log }), null);
  });

  it('imports the CSV into Kafka: exactly the fixture rows land on the sales topic', async () => {
    const r = await cli('import', `${DIR}/train.csv`, '--features', `${DIR}/features.csv`, '--stores-file', `${DIR}/stores.csv`);
    assert.match(r.stderr + r.stdout, /import: 40 events sent, 3 rows rejected/);
    const got = (await allSales()).map((e) => [e.store, e.dept, e.week, e.weeklySales] as [number, number, string, number]);
    const key = (x: [number, number, string, number]) => x.join('|');
    assert.deepEqual(got.map(key).sort(), fixtureRows().map(key).sort());
    assert.equal(got.length, 40);
  });

  it('next week is the week after the latest one in the log, even when a correction of an older week was sent last', async () => {
    assert.equal(await latestLoggedWeek({ kafka: createKafka(cfg, 'test'), codec, topic: cfg.topics.sales, log }), '2010-04-09');
    // a late correction of week 0 lands at the end of its partitions
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    await producer.send(generateWeek({ seed: 1, stores: 2, depts: 2, source: 'correction', producedAt: 1 }, 0));
    await producer.disconnect();
    const r = await cli('next-week');
    // the simulator's week 10 (2010-04-16) for its 2 stores x 3 depts; intermittent series may skip it
    const expected = generateWeek({ seed: cfg.simulator.seed, stores: 2, depts: 3, startWeek: '2010-02-05' }, 10);
    assert.ok(expected.length >= 4 && expected.every((e) => e.week === '2010-04-16'));
    assert.match(r.stderr + r.stdout, new RegExp(`next week 2010-04-16: ${expected.length} events`));
    const weeks = (await allSales()).filter((e) => e.week === '2010-04-16');
    assert.deepEqual(weeks.map((e) => `${e.store}:${e.dept}`).sort(), expected.map((e) => `${e.store}:${e.dept}`).sort(), 'exactly the series the simulator has that week');
    assert.equal(await latestLoggedWeek({ kafka: createKafka(cfg, 'test'), codec, topic: cfg.topics.sales, log }), '2010-04-16');
  });
});
