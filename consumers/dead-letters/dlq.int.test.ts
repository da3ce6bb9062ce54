/**
 * The dead-letter tool against the real Kafka, run as a user runs it
 * (`npm run dlq -- ...` in a child process): list groups letters by the
 * message they came from, redrive re-sends the original key and bytes once
 * to the origin topic and records it, and a re-driven message is not
 * re-driven again by --all.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { deadLetter } from '../../lib/kafka/dead-letter.js';
import { readDeadLetters } from '../../lib/kafka/dead-letter-log.js';
import { createKafka, ensureTopics, topicSpecs } from '../../lib/kafka/client.js';
import type { Delivery } from '../../lib/kafka/delivery.js';
import { isolatedConfig, isolatedEnv } from '../../lib/testing.js';

describe('npm run dlq', { timeout: 120_000 }, () => {
  const { cfg, prefix, cleanup } = isolatedConfig('dlq');
  const kafka = createKafka(cfg, 'test-dlq');
  const dlq = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'consumers/dead-letters/cli.ts', ...args], { cwd: cfg.root, env: { ...isolatedEnv(cfg, prefix), LOG_FORMAT: 'text' }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const origin = (offset: string, value: string): Delivery => ({ topic: cfg.topics.sales, partition: 2, offset, key: `key-${offset}`, value: Buffer.from(value), timestamp: '1700000000000', headers: {} });

  before(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topicSpecs(cfg));
    await admin.disconnect();
    const p = kafka.producer();
    await p.connect();
    await p.send({
      topic: cfg.topics.deadLetter,
      messages: [
        deadLetter(origin('41', 'payload-41'), 'week: expected a date on the grid', 'materializer'),
        deadLetter(origin('41', 'payload-41'), 'week: expected a date on the grid', 'gateway'),
        deadLetter(origin('57', 'payload-57'), 'DECODE: unknown magic byte 7', 'materializer'),
      ],
    });
    await p.disconnect();
  });
  after(cleanup);

  it('lists each message once with the consumers that refused it and the reason', () => {
    const r = dlq('list');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`${cfg.topics.sales.replace(/\./g, '\\.')}/2@41 +materializer,gateway +- +week: expected a date on the grid`));
    assert.match(r.out, /\/2@57 +materializer +- +DECODE: unknown magic byte 7/);
    assert.match(r.out, /^2 message\(s\), 3 letter\(s\)$/m);
  });

  it('re-drives the original key and bytes once to the origin topic, records it, and --all then skips it', async () => {
    const id = `${cfg.topics.sales}/2@41`;
    const r = dlq('redrive', id);
    assert.equal(r.code, 0, r.err);
    const consumer = kafka.consumer({ groupId: `${prefix}check` });
    const got: { key: string; value: string; from: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [cfg.topics.sales], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push({ key: String(message.key), value: String(message.value), from: String(message.headers?.['dlq.redriven.from']) }) });
    const deadline = Date.now() + 20_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    await new Promise((res) => setTimeout(res, 1000));
    await consumer.disconnect();
    assert.deepEqual(got, [{ key: 'key-41', value: 'payload-41', from: id }]);
    const after = await readDeadLetters(kafka, cfg.topics.deadLetter);
    assert.equal(after.find((m) => m.id === id)!.redriven.length, 1);
    assert.match(dlq('list').out, /\/2@41 +materializer,gateway +1x/);
    const dry = dlq('redrive', '--all', '--dry-run');
    assert.match(dry.out, /would re-drive 1 message\(s\):\n {2}\S+\/2@57\n/);
  });

  it('refuses an unknown id with a clear message and exit code 2', () => {
    const r = dlq('redrive', 'nope/0@1');
    assert.equal(r.code, 2);
    assert.match(r.err, /no dead-lettered message nope\/0@1 \(see npm run dlq -- list\)/);
  });
});
