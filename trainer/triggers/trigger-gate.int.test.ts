/**
 * Triggers wait for the data, against real services. The trainer runs while
 * a backfill is produced and materialized: the first 70 weeks reach the
 * threshold (60 weeks of history for a first model) while the materializer
 * has written none of it, as when a backfill outruns the materializer; the
 * threshold then waits and says so. The rest of the backfill is produced as
 * the materializer starts, and the first training request (and the model it
 * trains) covers the whole backfill, not the part that had gone by. The
 * cron's ticks wait the same way: a tick due during a replay asks only once
 * the view has caught up, and its reason says how long it waited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKafka, groupLag } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { addWeeks } from '../../lib/weeks.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { TRAINING_REQUESTED } from '../../domain/contracts.js';
import { startMaterializer, type Materializer } from '../../consumers/materializer/main.js';
import { cleanUp, readTopic, smallSim, uniqueConfig, until } from '../test/fixture.js';
import { startTrainer, type TrainerService } from '../service/trainer-service.js';

const cfg = uniqueConfig('gate', (d) => {
  d.trainer.thresholdFraction = 0.5;
});
const WEEKS = 90;
const sim = smallSim(WEEKS);
const group = `trainer-${cfg.clickhouse.database}`;
const events = [...generateHistory(sim)];
const lastWeek = addWeeks(sim.startWeek, WEEKS - 1);
const split = addWeeks(sim.startWeek, 70);
let producer: SalesProducer;
let trainer: TrainerService;
let materializer: Materializer | null = null;

const thresholdRequests = async () => (await readTopic(cfg, cfg.topics.trainingRequests, TRAINING_REQUESTED)).filter((r) => r.trigger === 'threshold');

describe('triggers wait for the data (integration)', { timeout: 300_000 }, () => {
  before(async () => {
    const codec = await bootstrapContracts(cfg);
    producer = await SalesProducer.connect(createKafka(cfg, 'test-producer'), codec, cfg);
    trainer = await startTrainer(cfg, { groupPrefix: group, schedule: false, thresholdMinWeeks: 60 });
  });
  after(async () => {
    await trainer?.stop();
    await materializer?.stop();
    await producer?.disconnect();
    await cleanUp(cfg);
  });

  it('a threshold reached while the backfill is not materialized waits, and says why', async () => {
    const first = events.filter((e) => e.week < split);
    await producer.send(first);
    const admin = createKafka(cfg, 'test-lag').admin();
    await admin.connect();
    try {
      await until(async () => (await groupLag(admin, `${group}-threshold`, cfg.topics.sales)) === 0, 30_000, 'the threshold watcher to read the first 70 weeks');
    } finally {
      await admin.disconnect();
    }
    await until(() => trainer.triggers()[0]!.waiting, 15_000, 'the threshold to wait');
    const status = trainer.triggers()[0]!;
    assert.equal(status.trigger, 'threshold');
    assert.ok(status.reason.includes(`waiting for the data: materializer ${first.length.toLocaleString('en-US')} events behind the sales log`), `every event of the first 70 weeks is still to be materialized: ${status.reason}`);
    // a second later it is still waiting, and nothing was asked
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(trainer.triggers()[0]!.waiting, true);
    assert.deepEqual(await thresholdRequests(), []);
  });

  it('the first training request, and the model it trains, cover the whole backfill', async () => {
    materializer = await startMaterializer(cfg, createLogger('test').child('materializer'));
    await producer.send(events.filter((e) => e.week >= split));
    const run = await trainer.waitForRun((o) => o.trained.trigger === 'threshold', 180_000);
    const reqs = await thresholdRequests();
    assert.equal(reqs.length, 1, reqs.map((r) => r.reason).join(' | '));
    assert.equal(reqs[0]!.cutoffWeek, lastWeek, 'the request names the last week of the backfill');
    assert.match(reqs[0]!.reason, new RegExp(`latest week ${lastWeek}`));
    assert.equal(run.trained.dataMaxWeek, lastWeek);
    assert.equal(run.trained.dataRows, events.length, 'trained on every row of the backfill');
    assert.equal(trainer.triggers()[0]!.waiting, false);
  });
});

describe('a cron tick waits for the data (integration)', { timeout: 120_000 }, () => {
  const c = uniqueConfig('gatecron', (d) => {
    d.trainer.cron = '*/2 * * * * *'; // every 2 s (cron-parser's seconds field)
  });
  const history = [...generateHistory(smallSim(30))];
  let p: SalesProducer;
  let t: TrainerService;
  let m: Materializer | null = null;
  const scheduled = async () => (await readTopic(c, c.topics.trainingRequests, TRAINING_REQUESTED)).filter((r) => r.trigger === 'schedule');

  before(async () => {
    p = await SalesProducer.connect(createKafka(c, 'test-producer'), await bootstrapContracts(c), c);
    await p.send(history);
    t = await startTrainer(c, { groupPrefix: `trainer-${c.clickhouse.database}`, threshold: false, decay: false, backtests: false });
  });
  after(async () => {
    await t?.stop();
    await m?.stop();
    await p?.disconnect();
    await cleanUp(c);
  });

  it('a tick due while nothing is materialized waits; it asks once the view caught up, saying how long it waited', async () => {
    await until(() => t.triggers()[1]!.waiting, 15_000, 'a tick to wait');
    assert.equal(t.triggers()[1]!.trigger, 'schedule');
    assert.match(t.triggers()[1]!.reason, new RegExp(`materializer ${history.length} events behind`));
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(await scheduled(), [], 'no tick asked while the view is behind');
    m = await startMaterializer(c, createLogger('test').child('materializer'));
    await until(async () => (await scheduled()).length > 0, 60_000, 'a scheduled request');
    const first = (await scheduled())[0]!;
    assert.match(first.reason, /^cron "\*\/2 \* \* \* \* \*" at \S+; waited \d+ s for the sales log to be materialized$/);
    assert.match(first.requestId, /^schedule-/, 'the id is still the tick\'s');
  });
});
