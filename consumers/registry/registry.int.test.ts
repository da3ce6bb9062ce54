/**
 * The registry projection against real Kafka and ClickHouse: project the
 * model topics, hash every table and view, drop them all, replay the topics
 * with a fresh group, and get the same hashes; redelivery into the existing
 * tables changes nothing; unreadable bytes go to the dead-letter topic.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickhouse, ident } from '../../lib/clickhouse/client.js';
import { createKafka } from '../../lib/kafka/client.js';
import type { ModelTrained } from '../../schemas/types.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { cleanUp, uniqueConfig, until } from '../../trainer/test/fixture.js';
import { decideRegistry, promotionOrThrow } from '../../domain/registry/commands.js';
import { foldRegistry, summarize, type RegistryEvent } from '../../domain/registry/state.js';
import { newRequest } from '../../domain/training/request.js';
import { startRegistryProjector } from './main.js';
import { readRegistry } from '../../domain/registry/io/projection/read.js';
import { CHAMPION_VIEW, PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE, VERSIONS_VIEW } from '../../domain/registry/projection/tables.js';
import { dropRegistryTables } from '../../domain/registry/io/projection/tables.js';

const cfg = uniqueConfig('reg');
let ch: ClickHouseClient;
const events: RegistryEvent[] = [];

const run = (version: number, decision: ModelTrained['decision'], requestIds: string[]): ModelTrained => ({
  runId: `run-${version}`,
  version,
  requestIds,
  trigger: 'manual',
  reasons: ['manual: test'],
  params: '{"rounds":10}',
  featureVersion: 'v1-test',
  features: ['horizon', 'lag_1'],
  horizon: 4,
  metrics: JSON.stringify({ model: { n: 5, wape: 0.1 / version, mae: 1, rmse: 2, wmae: 3 }, seasonalNaive: { n: 5, wape: 0.2, mae: 1, rmse: 2, wmae: 3 }, champion: null }),
  holdoutWeeks: ['2012-10-19', '2012-10-26'],
  dataMaxWeek: '2012-10-26',
  dataRows: 1000 + version,
  dataSeries: 12,
  topicOffsets: '{"0":10,"1":12}',
  durationMs: 1234,
  artifactSha256: decision === 'failed' ? '' : String(version).repeat(64).slice(0, 64),
  artifactUri: decision === 'failed' ? '' : `kafka://x/${String(version).repeat(64).slice(0, 64)}`,
  artifactBytes: decision === 'failed' ? 0 : 99,
  decision,
  decisionReason: `${decision} because`,
  trainedAt: 1_700_000_000_000 + version,
});

/** sha256 over every row of every table and view, in key order, as ClickHouse prints them. */
async function contentHash(): Promise<string> {
  const db = ident(cfg.clickhouse.database);
  const h = createHash('sha256');
  for (const [name, order] of [[REQUESTS_TABLE, 'request_id'], [RUNS_TABLE, 'version'], [PROMOTIONS_TABLE, 'kafka_partition, kafka_offset'], [VERSIONS_VIEW, 'version'], [CHAMPION_VIEW, 'version']] as const) {
    const final = name === VERSIONS_VIEW || name === CHAMPION_VIEW ? '' : 'FINAL';
    const rs = await ch.query({ query: `SELECT * FROM ${db}.${name} ${final} ORDER BY ${order}`, format: 'TabSeparated' });
    h.update(`${name}\n${await rs.text()}`);
  }
  return h.digest('hex');
}

async function rowCount(table: string): Promise<number> {
  const rs = await ch.query({ query: `SELECT count() AS n FROM ${ident(cfg.clickhouse.database)}.${table} FINAL`, format: 'JSONEachRow' });
  return Number(((await rs.json()) as { n: string }[])[0]?.n ?? 0);
}

/** Projects with a fresh group until every table has the expected rows, then stops. */
async function project(group: string): Promise<void> {
  const p = await startRegistryProjector(cfg, { groupId: `${group}-${cfg.clickhouse.database}` });
  try {
    await until(async () => (await rowCount(REQUESTS_TABLE)) === 4 && (await rowCount(RUNS_TABLE)) === 4 && (await rowCount(PROMOTIONS_TABLE)) === 4, 30_000, 'the projection to fill');
    await until(() => p.counts().runs + p.counts().promotions + p.counts().requests >= 12, 30_000, 'the projector to see every event');
  } finally {
    await p.stop();
  }
}

describe('registry projection (integration)', { timeout: 120_000 }, () => {
  before(async () => {
    ch = createClickhouse(cfg);
    const codec = await bootstrapContracts(cfg);
    const kafka = createKafka(cfg, 'test-registry');
    const pub = await EventPublisher.connect(kafka, codec, cfg.topics);
    const reqs = [1, 2, 3, 4].map((i) => newRequest({ trigger: 'manual', reason: `r${i}`, requestId: `req-${i}`, at: 1_700_000_000_000 + i, ...(i === 2 ? { cutoffWeek: '2012-10-26', params: { rounds: 5 } } : {}) }));
    for (const r of reqs) await pub.trainingRequested(r);
    let state = foldRegistry([]);
    const emit = async (e: RegistryEvent) => {
      events.push(e);
      state = foldRegistry([e], state);
      if (e.type === 'trained') await pub.modelTrained(e.event);
      else if (e.type === 'promoted') await pub.modelPromoted(e.event);
    };
    await emit({ type: 'trained', event: run(1, 'promoted', ['req-1']) });
    await emit({ type: 'promoted', event: promotionOrThrow(decideRegistry({ type: 'promote', version: 1, kind: 'promotion', reason: 'first', by: 'trainer', at: 1 }, state)) });
    await emit({ type: 'trained', event: run(2, 'rejected', ['req-2']) });
    await emit({ type: 'trained', event: run(3, 'failed', ['req-3']) });
    await emit({ type: 'trained', event: run(4, 'promoted', ['req-4']) });
    await emit({ type: 'promoted', event: promotionOrThrow(decideRegistry({ type: 'promote', version: 4, kind: 'promotion', reason: 'better', by: 'trainer', at: 2 }, state)) });
    await emit({ type: 'promoted', event: promotionOrThrow(decideRegistry({ type: 'rollback', reason: 'oops', by: 'ops', at: 3 }, state)) });
    // a stale promotion of v2, decided while v4 was champion, lands after the rollback: the fold refuses it
    const stale = promotionOrThrow(decideRegistry({ type: 'promote', version: 2, kind: 'manual', reason: 'stale', by: 'bob', at: 4, expectedChampion: 4 }, foldRegistry(events.slice(0, 6))));
    await emit({ type: 'promoted', event: stale });
    assert.equal(state.refused.length, 1, 'the test log holds one refused promotion');
    // bytes no contract can read: the projector must dead-letter them and carry on
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: cfg.topics.modelTrained, messages: [{ key: 'junk', value: Buffer.from('not avro') }] });
    await raw.disconnect();
    await pub.disconnect();
  });
  after(async () => {
    await ch?.close();
    await cleanUp(cfg);
  });

  it('projects runs, promotions and requests; the views show stages and the champion as the fold does (a refused promotion changes nothing); the fold from rows equals the fold from events', async () => {
    await project('proj-a');
    const fromRows = await readRegistry(ch, cfg.clickhouse.database);
    assert.deepEqual(summarize(fromRows), summarize(foldRegistry(events)));
    const rs = await ch.query({ query: `SELECT version, stage FROM ${cfg.clickhouse.database}.${VERSIONS_VIEW} ORDER BY version`, format: 'JSONEachRow' });
    assert.deepEqual(await rs.json(), [
      { version: 1, stage: 'champion' },
      { version: 2, stage: 'rejected' },
      { version: 3, stage: 'failed' },
      { version: 4, stage: 'archived' },
    ]);
    const champ = await ch.query({ query: `SELECT version, kind, previous_version FROM ${cfg.clickhouse.database}.${CHAMPION_VIEW}`, format: 'JSONEachRow' });
    assert.deepEqual(await champ.json(), [{ version: 1, kind: 'rollback', previous_version: 4 }], 'the refused promotion of v2 did not become champion');
    const applied = await ch.query({ query: `SELECT version, applied FROM ${cfg.clickhouse.database}.${PROMOTIONS_TABLE} FINAL ORDER BY kafka_offset`, format: 'JSONEachRow' });
    assert.deepEqual(await applied.json(), [{ version: 1, applied: 1 }, { version: 4, applied: 1 }, { version: 1, applied: 1 }, { version: 2, applied: 0 }]);
  });

  it('rebuilds identically after dropping every table and replaying the topics, and absorbs redelivery', async () => {
    const before = await contentHash();
    await dropRegistryTables(ch, cfg.clickhouse.database);
    await project('proj-b');
    assert.equal(await contentHash(), before, 'replay into empty tables gives the same content');
    await project('proj-c'); // a second full delivery into the existing tables
    assert.equal(await contentHash(), before, 'redelivery leaves the same rows');
  });

  it('dead-letters the unreadable record with its origin in headers', async () => {
    const kafka = createKafka(cfg, 'test-dlq');
    const c = kafka.consumer({ groupId: `dlq-${cfg.clickhouse.database}` });
    await c.connect();
    await c.subscribe({ topic: cfg.topics.deadLetter, fromBeginning: true });
    const seen: Record<string, string>[] = [];
    await c.run({ eachMessage: async ({ message }) => void seen.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))) });
    await until(() => seen.length >= 1, 20_000, 'a dead letter');
    await c.disconnect();
    assert.equal(seen[0]!['dlq.origin.topic'], cfg.topics.modelTrained);
    assert.match(seen[0]!['dlq.reason']!, /too short|magic/);
  });
});
