/**
 * The stall watchdog against the real Kafka and ClickHouse: a sales
 * projector reaches ClickHouse through a TCP relay the test controls. While
 * the relay passes bytes the projector keeps up and the watchdog stays quiet
 * for twice its limit; once the relay swallows them, the projector's write
 * hangs (no error, no retry: a stuck request, as the broker-loss stall was
 * stuck in kafkajs), messages pile up behind it, and the watchdog ends
 * `running.done` with the reason: the process would exit and be restarted.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { withOverrides } from '../config.js';
import { createClickhouse, rows } from '../clickhouse/client.js';
import { createKafka } from './client.js';
import { bootstrapContracts } from './bootstrap.js';
import { startProjector, type Projector } from '../projection/projector.js';
import { StalledConsumerError } from './stall-watchdog.js';
import { eventually, isolatedConfig } from '../testing.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { SALES_PROJECTION } from '../../domain/sales/io/projection.js';

/** A TCP relay to `port`; while `swallow` is set, bytes in either direction are dropped (the peer waits forever). */
async function relay(port: number): Promise<{ url: string; swallow: boolean; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const r = { url: '', swallow: false, close: async () => undefined as void };
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (b) => void (r.swallow || upstream.write(b)));
    upstream.on('data', (b) => void (r.swallow || client.write(b)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('relay: no port');
  r.url = `http://127.0.0.1:${addr.port}`;
  // ending every connection fails a hung request, so the projector can stop
  r.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((res) => server.close(() => res()));
  };
  return r;
}

const SIM = { seed: 5, stores: 2, depts: 4, startWeek: '2011-01-07', weeks: 30, producedAt: 1_700_000_000_000 };
const LIMIT_S = 3;

describe('stall watchdog: a projector whose write hangs', { timeout: 180_000 }, () => {
  const { cfg, cleanup } = isolatedConfig('stall');
  const ch = createClickhouse(cfg);
  const events = [...generateHistory(SIM)];
  const half = Math.floor(events.length / 2);
  let link: Awaited<ReturnType<typeof relay>>;
  let producer: SalesProducer;
  let p: Projector;

  before(async () => {
    link = await relay(Number(new URL(cfg.clickhouse.url).port));
    const codec = await bootstrapContracts(cfg);
    producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    const viaRelay = withOverrides(cfg, (d) => void (d.clickhouse.url = link.url));
    p = await startProjector(viaRelay, SALES_PROJECTION, { groupId: cfg.materializer.groupId, flushRows: 50, flushMs: 100, stallS: LIMIT_S });
  });
  after(async () => {
    await link?.close();
    await p?.stop().catch(() => undefined);
    await producer?.disconnect();
    await cleanup();
    await ch.close();
  });

  const count = async () => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${cfg.clickhouse.database}.sales_weekly`))[0]?.n ?? 0);
  let verdict: unknown = null;

  it(`stays quiet while the projector keeps up (${2 * LIMIT_S} s after it caught up: twice its limit)`, async () => {
    p.running.done.catch((err: unknown) => (verdict = err));
    await producer.send(events.slice(0, half));
    assert.ok(await eventually(async () => (await count()) >= half, 60_000), 'the first half is written');
    await new Promise((r) => setTimeout(r, 2 * LIMIT_S * 1000));
    assert.equal(verdict, null, 'no stall reported for a consumer that is caught up');
  });

  it(`ends running.done with the reason once the write hangs and messages wait (about ${LIMIT_S} s)`, async () => {
    link.swallow = true;
    const t0 = Date.now();
    await producer.send(events.slice(half));
    assert.ok(await eventually(() => verdict !== null, 60_000, 100), 'the watchdog fired');
    const waited = (Date.now() - t0) / 1000;
    assert.ok(verdict instanceof StalledConsumerError, `a StalledConsumerError, got ${String(verdict)}`);
    assert.match(verdict.message, new RegExp(`^\\d+ messages wait and the committed offsets have not moved for \\d+ s \\(limit ${LIMIT_S} s\\), with no write being retried`));
    assert.equal(verdict.retriable, true, 'a fresh process resumes from the last commit');
    assert.ok(waited >= LIMIT_S, `not before the limit (${waited.toFixed(1)} s)`);
    assert.equal(await count(), half, 'nothing of the second half was written: the stall was real');
  });
});
