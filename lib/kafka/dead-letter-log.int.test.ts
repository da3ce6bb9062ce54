import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { bootstrapContracts } from './bootstrap.js';
import { deadLetter } from './dead-letter.js';
import { readDeadLetters } from './dead-letter-log.js';
import { createKafka } from './client.js';
import { isolatedConfig } from '../testing.js';

describe('dead-letter reasons never carry a URL secret, old letters included', () => {
  const { cfg, cleanup } = isolatedConfig('dlq-redact');
  after(cleanup);

  it('redacts when writing, and again when reading a letter written before redaction existed', async () => {
    await bootstrapContracts(cfg);
    const kafka = createKafka(cfg, 'test-dlq-redact');
    const p = kafka.producer();
    await p.connect();
    const origin = { topic: cfg.topics.modelTrained, partition: 0, offset: '3', key: 'k', value: Buffer.from('v'), timestamp: '1700000000000', headers: {} };
    const secret = 'webhook https://hooks.slack.com/services/T0/B0/SECRETPATH: HTTP 500 after 3 attempts';
    const written = deadLetter(origin, secret, 'webhooks');
    assert.doesNotMatch(String(written.headers!['dlq.reason']), /SECRETPATH/, 'redacted on write');
    // as an older consumer wrote it: the reason verbatim
    const old = deadLetter({ ...origin, offset: '4' }, 'x', 'webhooks');
    old.headers!['dlq.reason'] = secret;
    await p.send({ topic: cfg.topics.deadLetter, messages: [written, old] });
    await p.disconnect();
    const reasons = (await readDeadLetters(kafka, cfg.topics.deadLetter)).flatMap((m) => m.letters.map((l) => l.reason));
    assert.equal(reasons.length, 2);
    for (const r of reasons) assert.match(r, /^webhook https:\/\/hooks\.slack\.com\/…#[0-9a-f]{8}: HTTP 500 after 3 attempts$/);
  });
});
