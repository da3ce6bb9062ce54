/**
 * Webhooks against the real Kafka and schema registry with two local HTTP
 * receivers: one that accepts (it gets each event once, signed the Standard
 * Webhooks way), one that
 * always fails (each event is tried WEBHOOK_MAX_ATTEMPTS times, then gets a
 * dead-letter record naming the URL's host and fingerprint and the failure,
 * never the URL's secret path or password).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { withOverrides } from '../../lib/config.js';
import { readDeadLetters } from '../../lib/kafka/dead-letter-log.js';
import { createKafka } from '../../lib/kafka/client.js';
import { eventually, isolatedConfig } from '../../lib/testing.js';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { startWebhooks, type WebhookConsumer } from './main.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const trained: ModelTrained = {
  runId: 'run-9', version: 9, requestIds: ['r1'], trigger: 'manual', reasons: ['test'], params: '{}', featureVersion: 'v-test', features: ['lag_1'], horizon: 13,
  metrics: '{}', holdoutWeeks: [], dataMaxWeek: '2012-10-26', dataRows: 10, dataSeries: 1, topicOffsets: '{}', durationMs: 1, artifactSha256: 'a'.repeat(64),
  artifactUri: `kafka://t/${'a'.repeat(64)}`, artifactBytes: 1, decision: 'promoted', decisionReason: 'beats the champion', trainedAt: 1_700_000_000_009,
};
const promoted: ModelPromoted = { version: 9, runId: 'run-9', previousVersion: null, kind: 'promotion', reason: 'first model', artifactSha256: 'a'.repeat(64), artifactUri: trained.artifactUri, promotedBy: 'trainer', promotedAt: 1_700_000_000_010 };

/** A receiver answering `status`; records each body with its signature and attempt number. */
interface Received {
  body: string;
  id: string;
  timestamp: string;
  sig: string;
  attempt: string;
}

async function receiver(status: number): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const h = (n: string) => String(req.headers[n]);
      got.push({ body, id: h('webhook-id'), timestamp: h('webhook-timestamp'), sig: h('webhook-signature'), attempt: h('x-forecast-attempt') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // a Slack-style URL: the path is the secret
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/SECRETPATH`, got };
}

describe('webhooks', { timeout: 120_000 }, () => {
  const iso = isolatedConfig('hooks');
  let ok: Awaited<ReturnType<typeof receiver>>;
  let bad: Awaited<ReturnType<typeof receiver>>;
  let w: WebhookConsumer;
  let cfg = iso.cfg;
  let withPassword = '';

  before(async () => {
    ok = await receiver(204);
    bad = await receiver(500);
    // the third URL carries a password: fetch refuses it with an error that quotes the URL
    withPassword = bad.url.replace('http://', 'http://hook:PA55WORD@');
    cfg = withOverrides(iso.cfg, (d) => (d.webhooks = { urls: [ok.url, bad.url, withPassword], secret: SECRET, maxAttempts: 3 }));
    const codec = await bootstrapContracts(cfg);
    const pub = await EventPublisher.connect(createKafka(cfg, 'test'), codec, cfg.topics);
    await pub.modelTrained(trained);
    await pub.modelPromoted(promoted);
    await pub.disconnect();
    w = await startWebhooks(cfg, { baseMs: 50, fromBeginning: true });
  });
  after(async () => {
    await w?.stop();
    ok?.server.close();
    bad?.server.close();
    await iso.cleanup();
  });

  it('delivers each event once, signed, to the receiver that accepts', async () => {
    assert.ok(await eventually(() => ok.got.length >= 2 && w.counts().failed >= 4, 60_000), JSON.stringify(w.counts()));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ok.got.length, 2);
    const bodies = ok.got.map((g) => JSON.parse(g.body) as { id: string; type: string; event: { version: number } });
    assert.deepEqual(bodies.map((b) => b.type).sort(), ['model.promoted', 'model.trained']);
    assert.deepEqual(bodies.map((b) => b.id).sort(), ['model.promoted:9:1700000000010', 'model.trained:run-9']);
    for (const g of ok.got) {
      // what a receiver checks: the id is the body's, the timestamp recent, the signature over id.timestamp.body
      assert.equal(g.id, (JSON.parse(g.body) as { id: string }).id);
      assert.ok(Math.abs(Date.now() / 1000 - Number(g.timestamp)) < 120, `recent timestamp ${g.timestamp}`);
      const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
      assert.equal(g.sig, `v1,${createHmac('sha256', key).update(`${g.id}.${g.timestamp}.${g.body}`).digest('base64')}`);
    }
  });

  it('tries the failing receiver 3 times per event, then dead-letters each event naming the URL (host and fingerprint) and the failure', async () => {
    assert.deepEqual(bad.got.map((g) => g.attempt), ['1', '2', '3', '1', '2', '3']);
    const letters = (await readDeadLetters(createKafka(cfg, 'test'), cfg.topics.deadLetter)).flatMap((m) => m.letters);
    assert.equal(letters.length, 4);
    const origin = new URL(bad.url).origin;
    const fp = (u: string) => createHash('sha256').update(u).digest('hex').slice(0, 8);
    const reasons = letters.map((l) => l.reason);
    assert.equal(reasons.filter((r) => r === `webhook ${origin}/…#${fp(bad.url)}: HTTP 500 after 3 attempts`).length, 2, reasons.join('\n'));
    assert.equal(reasons.filter((r) => r.startsWith(`webhook ${origin}/…#${fp(withPassword)}: `)).length, 2, reasons.join('\n'));
    for (const r of reasons) assert.doesNotMatch(r, /SECRETPATH|PA55WORD/, 'no secret of the URL in an openly readable dead letter');
    assert.deepEqual([...new Set(letters.map((l) => l.origin.topic))].sort(), [cfg.topics.modelPromoted, cfg.topics.modelTrained].sort());
  });

  it('warns at start when deliveries would go unsigned', async () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m), child: () => log };
    const unsigned = await startWebhooks(withOverrides(cfg, (d) => (d.webhooks = { ...d.webhooks, secret: '' })), { log, groupId: `${cfg.topics.modelTrained}-unsigned` });
    await unsigned.stop();
    assert.ok(warnings.some((w) => /^WEBHOOK_SECRET is empty: deliveries go unsigned/.test(w)), warnings.join('\n'));
  });
});
