/**
 * The follower's crash policy against the real Kafka: a dependency outage
 * is waited out (the message is handled once it gets through), a bug stops
 * it there (`done` rejects with the error, nothing after it is handled).
 * Refused input never reaches it: the edge in front dead-letters it
 * (lib/projection/handler-sink.ts, tested there).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DependencyError } from '../../lib/errors.js';
import { createKafka, ensureTopics, topicSpecs } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { isolatedConfig } from '../../lib/testing.js';
import { startFollower } from './follower.js';

describe('gateway follower: outage retried, bug stops', { timeout: 60_000 }, () => {
  const { cfg, cleanup } = isolatedConfig('follower');
  const kafka = createKafka(cfg, 'test');
  const admin = kafka.admin();
  const topic = cfg.topics.trainingSchedule;
  before(async () => {
    await admin.connect();
    await ensureTopics(admin, topicSpecs(cfg));
    const p = kafka.producer();
    await p.connect();
    await p.send({ topic, messages: ['a', 'b', 'bug', 'c'].map((value) => ({ key: 'k', value })) });
    await p.disconnect();
  });
  after(async () => {
    await admin.disconnect();
    await cleanup();
  });

  it('handles a after two outages, then b, stops at the bug with its error and never handles c', async () => {
    const handled: string[] = [];
    let outages = 0;
    const f = await startFollower({
      kafka, admin, topics: [topic], log: createLogger('test'),
      handle: (m) => {
        const v = m.value!.toString();
        if (v === 'a' && outages < 2) {
          outages += 1;
          throw new DependencyError('schema registry', 'connect ECONNREFUSED');
        }
        if (v === 'bug') (undefined as unknown as { week: string }).week.trim();
        handled.push(v);
      },
    });
    try {
      await assert.rejects(f.done, (e: unknown) => e instanceof TypeError && /follower\.int\.test\.ts/.test(e.stack ?? ''));
      assert.equal(outages, 2);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(handled, ['a', 'b']);
      assert.equal(f.isCaughtUp(), false, 'not caught up past a message it could not handle');
    } finally {
      await f.stop();
    }
  });
});
