import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DependencyError, ValidationError } from '../errors.js';
import { createKafka, ensureTopics, topicSpecs } from './client.js';
import { createLogger } from '../log.js';
import { runBuffered } from './runner.js';
import type { Delivery } from './delivery.js';
import { eventually, isolatedConfig } from '../testing.js';

describe('consumer runner', () => {
  const { cfg, tag, cleanup } = isolatedConfig('runner');
  const kafka = createKafka(cfg, 'test');
  after(cleanup);

  const produce = async (n: number, from = 0) => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topicSpecs(cfg));
    await admin.disconnect();
    const p = kafka.producer();
    await p.connect();
    await p.send({ topic: cfg.topics.trainingRequests, messages: Array.from({ length: n }, (_, i) => ({ key: 'k', value: String(from + i) })) });
    await p.disconnect();
  };

  it('redelivers a batch whose write failed (retriable), so nothing is lost and commits follow writes', async () => {
    await produce(300);
    const written: string[] = [];
    let failures = 0;
    const running = await runBuffered({
      kafka,
      groupId: `${tag}-retry`,
      topics: [cfg.topics.trainingRequests],
      flushRows: 100,
      flushMs: 50,
      log: createLogger('test'),
      sink: async (batch: Delivery[]) => {
        if (failures < 2) {
          failures += 1;
          throw new DependencyError('sink', 'temporarily down');
        }
        for (const d of batch) written.push(d.value!.toString());
      },
    });
    try {
      assert.ok(await eventually(() => new Set(written).size === 300, 30_000), `all 300 written (got ${new Set(written).size})`);
      assert.equal(failures, 2);
      const admin = kafka.admin();
      await admin.connect();
      assert.ok(
        await eventually(async () => {
          const o = await admin.fetchOffsets({ groupId: `${tag}-retry`, topics: [cfg.topics.trainingRequests] });
          return o[0]!.partitions.reduce((a, p) => a + Number(p.offset), 0) === 300;
        }, 10_000),
        'committed up to the end',
      );
      await admin.disconnect();
    } finally {
      await running.stop();
    }
  });

  it('stops on a non-retriable write failure without committing it', async () => {
    const running = await runBuffered({
      kafka,
      groupId: `${tag}-fatal`,
      topics: [cfg.topics.trainingRequests],
      flushRows: 1000,
      flushMs: 50,
      log: createLogger('test'),
      sink: async () => {
        throw new ValidationError('table', 'a table that exists');
      },
    });
    await assert.rejects(running.done, /table: expected a table that exists/);
    const admin = kafka.admin();
    await admin.connect();
    const o = await admin.fetchOffsets({ groupId: `${tag}-fatal`, topics: [cfg.topics.trainingRequests] });
    assert.ok(o[0]!.partitions.every((p) => p.offset === '-1'), 'nothing committed');
    await admin.disconnect();
  });

  it('keeps its group membership through a write outage longer than the session timeout, then writes everything once it is back', async () => {
    await produce(200, 1000);
    const groupId = `${tag}-outage`;
    const written = new Set<string>();
    const downUntil = Date.now() + 16_000; // the session timeout is 10 s
    const running = await runBuffered({
      kafka,
      groupId,
      topics: [cfg.topics.trainingRequests],
      flushRows: 100,
      flushMs: 50,
      log: createLogger('test'),
      sink: async (batch: Delivery[]) => {
        if (Date.now() < downUntil) throw new DependencyError('clickhouse', 'connect ECONNREFUSED (test outage)');
        for (const d of batch) written.add(d.value!.toString());
      },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const memberOf = async () => (await admin.describeGroups([groupId])).groups[0]?.members.map((m) => m.memberId) ?? [];
      assert.ok(await eventually(async () => (await memberOf()).length === 1, 10_000), 'joined');
      const before = await memberOf();
      assert.ok(await eventually(() => written.size >= 500, 40_000), `everything written after the outage (got ${written.size})`);
      assert.ok(Date.now() >= downUntil);
      assert.deepEqual(await memberOf(), before, 'the same member all along: no session expiry, no rejoin');
      assert.ok(
        await eventually(async () => {
          const o = await admin.fetchOffsets({ groupId, topics: [cfg.topics.trainingRequests] });
          return o[0]!.partitions.reduce((a, p) => a + Number(p.offset), 0) === 500;
        }, 10_000),
        'committed up to the end',
      );
    } finally {
      await admin.disconnect();
      await running.stop();
    }
  });

  it('stops with an unknown error (a bug) instead of retrying it forever', async () => {
    const running = await runBuffered({
      kafka,
      groupId: `${tag}-bug`,
      topics: [cfg.topics.trainingRequests],
      flushRows: 1000,
      flushMs: 50,
      log: createLogger('test'),
      sink: async () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    });
    await assert.rejects(running.done, TypeError);
  });
});
