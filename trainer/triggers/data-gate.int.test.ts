/**
 * The data gate under a steady stream, against real services: the
 * continuous simulator's shape (a batch every 250 ms) with the materializer
 * committing every 500 ms leaves a lag at most instants, yet the gate opens,
 * because the materializer passes the ends read at decision time within a
 * second. (A backfill or a replay keeps it shut: trigger-gate.int.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { createKafka, groupLag } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { generateWeek } from '../../domain/simulation/generator.js';
import { startMaterializer, type Materializer } from '../../consumers/materializer/main.js';
import { cleanUp, smallSim, uniqueConfig } from '../test/fixture.js';
import { checkDataGate } from './data-gate.js';

const cfg = uniqueConfig('gatestream', (d) => {
  d.materializer.batchMs = 500;
});
const sim = smallSim(200);
let producer: SalesProducer;
let materializer: Materializer;
let admin: Admin;

describe('data gate under a steady stream (integration)', { timeout: 120_000 }, () => {
  before(async () => {
    const codec = await bootstrapContracts(cfg);
    producer = await SalesProducer.connect(createKafka(cfg, 'test-producer'), codec, cfg);
    materializer = await startMaterializer(cfg, createLogger('test').child('materializer'));
    admin = createKafka(cfg, 'test-gate').admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await materializer?.stop();
    await producer?.disconnect();
    await cleanUp(cfg);
  });

  it('opens while the stream goes on, though the lag is rarely 0 at an instant', async (t) => {
    let stop = false;
    let week = 0;
    const stream = (async () => {
      while (!stop) {
        await producer.send(generateWeek(sim, week++));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 2000)); // the materializer has joined and committed once
      let open = 0;
      let lagZero = 0;
      const checks = 8;
      for (let i = 0; i < checks; i++) {
        if ((await groupLag(admin, cfg.materializer.groupId, cfg.topics.sales)) === 0) lagZero++;
        const v = await checkDataGate(admin, cfg.topics.sales, cfg.materializer.groupId);
        if (v.open) open++;
        else t.diagnostic(`shut: ${v.reason}`);
      }
      t.diagnostic(`${open} of ${checks} checks open; the lag was 0 at ${lagZero} of ${checks} instants; ${week} weeks sent`);
      // the strict gate (no second to settle) opened at 0 of 8 here; a loaded machine can push a commit past the second now and then,
      // which costs a trigger one more check, not a decision
      assert.ok(open >= checks / 2, `the gate opened at ${open} of ${checks} checks during a steady stream`);
    } finally {
      stop = true;
      await stream;
    }
  });
});
