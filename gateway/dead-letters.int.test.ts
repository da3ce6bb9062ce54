/**
 * The dead-letter routes against the real Kafka: GET lists each message once
 * with the consumers that refused it; POST /v1/dead-letters/redrive needs the
 * token, names a malformed id, answers 404 for an unknown one, re-sends the
 * original key and bytes once and records it, answers 409 for a second
 * re-drive unless forced. The list pages with limit + pageToken, and 20
 * concurrent calls share one refresh of the followed topic.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deadLetter } from '../lib/kafka/dead-letter.js';
import { readDeadLetters } from '../lib/kafka/dead-letter-log.js';
import { createKafka } from '../lib/kafka/client.js';
import { eventually } from '../lib/testing.js';
import type { Delivery } from '../lib/kafka/delivery.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

describe('dead-letter API', { timeout: 120_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  let id: string;
  const origin = (offset: string, value: string): Delivery => ({ topic: f.cfg.topics.sales, partition: 1, offset, key: `key-${offset}`, value: Buffer.from(value), timestamp: '1700000000000', headers: {} });
  before(async () => {
    f = await setUp('dlq-api', { history: false });
    const p = createKafka(f.cfg, 'test-dlq-api').producer();
    await p.connect();
    await p.send({
      topic: f.cfg.topics.deadLetter,
      messages: [deadLetter(origin('7', 'bytes-7'), 'week: expected a date on the grid, got "x"', 'materializer'), deadLetter(origin('7', 'bytes-7'), 'week: expected a date on the grid, got "x"', 'gateway')],
    });
    await p.disconnect();
    id = `${f.cfg.topics.sales}/1@7`;
    gw = await startGateway(f.cfg);
  });
  after(async () => {
    await gw?.close();
    await f?.cleanup();
  });

  it('lists the message once, with both letters and no re-drive yet', async () => {
    const r = await call(gw.url, 'GET', '/v1/dead-letters');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.total, 1);
    const [m] = r.body.messages;
    assert.equal(m.id, id);
    assert.equal(m.key, 'key-7');
    assert.deepEqual(m.letters.map((l: { consumer: string }) => l.consumer), ['materializer', 'gateway']);
    assert.equal(m.letters[0].reason, 'week: expected a date on the grid, got "x"');
    assert.deepEqual(m.redriven, []);
    assert.equal(m.record, null, 'the bytes are not Avro');
    assert.match(m.undecodable, /magic byte/);
  });

  it('refuses without the token, names a malformed id, and answers 404 for an unknown one', async () => {
    assert.equal((await call(gw.url, 'POST', '/v1/dead-letters/redrive', { ids: [id] })).status, 401);
    const bad = await call(gw.url, 'POST', '/v1/dead-letters/redrive', { ids: ['not an id'] }, auth);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'ids.0');
    const unknown = await call(gw.url, 'POST', '/v1/dead-letters/redrive', { ids: [`${f.cfg.topics.sales}/1@999`] }, auth);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error.message, /\/1@999/);
  });

  it('re-drives once and records it; a second time is a 409 unless forced', async () => {
    const r = await call(gw.url, 'POST', '/v1/dead-letters/redrive', { ids: [id] }, auth);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual(r.body.redriven, [id]);
    const kafka = createKafka(f.cfg, 'test-dlq-api-check');
    const [m] = await readDeadLetters(kafka, f.cfg.topics.deadLetter);
    assert.equal(m!.redriven.length, 1);
    assert.match(m!.redriven[0]!.by, /^gateway:/);
    const again = await call(gw.url, 'POST', '/v1/dead-letters/redrive', { ids: [id] }, auth);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ALREADY_REDRIVEN');
    const forced = await call(gw.url, 'POST', '/v1/dead-letters/redrive', { ids: [id], force: true }, auth);
    assert.equal(forced.status, 202);
    assert.equal((await readDeadLetters(kafka, f.cfg.topics.deadLetter))[0]!.redriven.length, 2);
    // the origin topic received the original key and bytes, once per re-drive
    const consumer = kafka.consumer({ groupId: `${f.prefix}check` });
    const got: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [f.cfg.topics.sales], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(`${String(message.key)}=${String(message.value)} from ${String(message.headers?.['dlq.redriven.from'])}`) });
    const deadline = Date.now() + 20_000;
    while (got.length < 2 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    await consumer.disconnect();
    assert.deepEqual(got, [`key-7=bytes-7 from ${id}`, `key-7=bytes-7 from ${id}`]);
  });

  it('pages newest first with limit and pageToken, and names a malformed token', async () => {
    // the gateway's own follower dead-letters the two re-driven copies (their bytes are not Avro): let them land first
    const total = async () => (await call(gw.url, 'GET', '/v1/dead-letters?limit=1')).body.total;
    assert.ok(await eventually(async () => (await total()) === 3, 20_000), `3 messages before paging, got ${await total()}`);
    const p = createKafka(f.cfg, 'test-dlq-api-pages').producer();
    await p.connect();
    await p.send({ topic: f.cfg.topics.deadLetter, messages: [20, 21, 22, 23].map((o) => deadLetter(origin(String(o), `bytes-${o}`), 'bad', 'materializer')) });
    await p.disconnect();
    const ids: string[] = [];
    const tokens: (string | null)[] = [];
    let token: string | null = null;
    do {
      const r = await call(gw.url, 'GET', `/v1/dead-letters?limit=2${token ? `&pageToken=${token}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.total, 7);
      ids.push(...r.body.messages.map((m: { id: string }) => m.id));
      token = r.body.nextPageToken;
      tokens.push(token);
    } while (token !== null && tokens.length < 10);
    assert.deepEqual(ids, [23, 22, 21, 20, 1, 0, 7].map((o) => `${f.cfg.topics.sales}/1@${o}`));
    assert.equal(tokens.length, 4, 'pages of 2, 2, 2 and 1');
    const bad = await call(gw.url, 'GET', '/v1/dead-letters?pageToken=abc');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'pageToken');
  });

  it('20 concurrent calls are answered from one followed copy: one consumer group, no read from the beginning per call', async () => {
    const before = gw.deadLetters.refreshes;
    const all = await Promise.all(Array.from({ length: 20 }, () => call(gw.url, 'GET', '/v1/dead-letters?limit=1')));
    assert.deepEqual([...new Set(all.map((r) => r.status))], [200]);
    const refreshes = gw.deadLetters.refreshes - before;
    // calls that arrive while a refresh is in flight share it (lib/kafka/dead-letter-tail.int.test.ts: 20 at once -> 1); over HTTP they arrive spread out
    assert.ok(refreshes >= 1 && refreshes <= 20, `refreshes ${refreshes}`);
    console.log(`20 concurrent GET /v1/dead-letters: ${refreshes} end-offset lookup(s)`);
    const admin = createKafka(f.cfg, 'test-dlq-api-groups').admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`gateway-dlq-view-${process.pid}-`) || g.startsWith(`dlq-reader-${process.pid}-`));
    await admin.disconnect();
    assert.equal(groups.length, 1, groups.join(', '));
  });
});
