/**
 * The followed dead-letter view against the real Kafka: 20 concurrent reads
 * share one refresh and one consumer group; a later read sees letters
 * written since (read your writes) without a new group; the bounds keep the
 * newest messages and still count the dropped ones.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Admin, Kafka } from 'kafkajs';
import { deadLetter } from './dead-letter.js';
import { deadLetterTail, type DeadLetterTail } from './dead-letter-tail.js';
import { createKafka, ensureTopics, topicSpecs } from './client.js';
import type { Delivery } from './delivery.js';
import { isolatedConfig } from '../testing.js';

describe('dead-letter tail', { timeout: 60_000 }, () => {
  const iso = isolatedConfig('dlq-tail');
  const topic = iso.cfg.topics.deadLetter;
  let kafka: Kafka;
  let admin: Admin;
  let tail: DeadLetterTail;
  const origin = (offset: number): Delivery => ({ topic: iso.cfg.topics.sales, partition: 0, offset: String(offset), key: `k${offset}`, value: Buffer.from(`v${offset}`), timestamp: '1700000000000', headers: {} });
  const write = async (offsets: number[]) => {
    const p = kafka.producer();
    await p.connect();
    await p.send({ topic, acks: -1, messages: offsets.map((o) => deadLetter(origin(o), `reason ${o}`, 'materializer')) });
    await p.disconnect();
  };
  // the view's groups of this process (other processes on the shared broker use other pids)
  const viewGroups = async () => (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(`${iso.tag}-view-${process.pid}-`)).length;

  before(async () => {
    kafka = createKafka(iso.cfg, 'test-dlq-tail');
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topicSpecs(iso.cfg).filter((s) => s.topic === topic));
    await write([1, 2, 3]);
  });
  after(async () => {
    await tail?.close();
    await admin?.disconnect();
    await iso.cleanup();
  });

  it('20 concurrent reads share one refresh and one consumer group', async () => {
    tail = deadLetterTail({ kafka, topic, name: `${iso.tag}-view`, maxMessages: 3 });
    const snaps = await Promise.all(Array.from({ length: 20 }, () => tail.read()));
    assert.equal(tail.refreshes, 1, 'one end-offset lookup for all 20');
    for (const s of snaps) assert.deepEqual(s.messages.map((m) => m.key), ['k1', 'k2', 'k3']);
    assert.equal(await viewGroups(), 1);
  });

  it('a later read sees what was written since, in the same group', async () => {
    await write([4]);
    const s = await tail.read();
    assert.equal(tail.refreshes, 2);
    assert.equal(s.messages.at(-1)?.key, 'k4');
    assert.equal(await viewGroups(), 1, 'no new group per read');
  });

  it('keeps the newest maxMessages and counts the dropped ones in total', async () => {
    await write([5]);
    const s = await tail.read();
    assert.equal(s.total, 5);
    assert.deepEqual(s.messages.map((m) => m.key), ['k3', 'k4', 'k5']);
  });

  it('close leaves no group behind', async () => {
    await tail.close();
    assert.equal(await viewGroups(), 0);
  });
});
