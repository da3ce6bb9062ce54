/**
 * Restart snapshots against the real stack: a gateway folds N sales events
 * and writes a snapshot at shutdown; M more arrive (new weeks and a re-sent
 * old week with a new value); a gateway started from the snapshot holds
 * exactly the state of a full fold (checksum over every slot of every
 * series) and answers /v1/forecast exactly like a gateway that folded the
 * whole log. Snapshots that do not match (another feature version, offsets
 * past the log end) are refused with the reason in the log, the next older
 * valid one is used, and with none left the full fold runs; so are
 * snapshots whose chunks are corrupt or missing (the gateway does not crash).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, exec } from '../lib/clickhouse/client.js';
import { withOverrides } from '../lib/config.js';
import type { Logger } from '../lib/log.js';
import { historiesChecksum } from '../domain/features/history-codec.js';
import { SeriesHistory } from '../domain/features/features.js';
import type { SalesWeek } from '../schemas/types.js';
import { startGateway, type Gateway } from './server.js';
import { PARTS_TABLE, SnapshotStore } from './state/snapshot-store.js';
import { parseMeta, type SnapshotMeta } from './state/snapshot.js';
import { call, publishModel, setUp, trainModel, type Fixture } from './test/fixture.js';

/** A logger that keeps every line (and drops nothing to stderr). */
function capturing(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = { debug: () => undefined, info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m), child: () => log };
  return { log, lines };
}

/** Starts a gateway, waits for its state, and returns it with the log lines of its start. */
async function started(f: Fixture, snapshots: boolean): Promise<{ gw: Gateway; lines: string[] }> {
  const { log, lines } = capturing();
  const cfg = withOverrides(f.cfg, (d) => {
    d.gateway.snapshots = { enabled: snapshots, everyS: 0, keep: 2 };
  });
  return { gw: await startGateway(cfg, { log }), lines };
}

/** Every series' h = 1..4 forecast as the gateway answers it (the body, as text). */
async function answers(gw: Gateway, keys: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const k of keys) {
    const [store, dept] = k.split(':');
    const r = await call(gw.url, 'GET', `/v1/forecast?store=${store}&dept=${dept}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(JSON.stringify(r.body));
  }
  return out;
}

let f: Fixture;
let snapshots: SnapshotStore;
let ch: ReturnType<typeof createClickhouse>;
let first: SalesWeek[];
let rest: SalesWeek[];
let keys: string[];

describe('gateway restart from a snapshot', { timeout: 300_000 }, () => {
  before(async () => {
    f = await setUp('snapshot', { history: false, patch: (d) => void (d.gateway.publishForecasts = false) });
    ch = createClickhouse(f.cfg);
    snapshots = new SnapshotStore(ch, f.cfg.clickhouse.database, null);
    first = f.events.filter((e) => e.week < '2011-06-01');
    // M more: the later weeks, and one week the snapshot already holds, re-sent with another value (an upsert across the snapshot)
    const resent = { ...first.find((e) => e.store === 1 && e.dept === 1 && e.week === '2010-12-24')!, weeklySales: 12_345.67 };
    rest = [...f.events.filter((e) => e.week >= '2011-06-01'), resent];
    assert.ok(first.length > 500 && rest.length > 100, `${first.length} + ${rest.length} events`);
    keys = [...f.series.keys()];
    await publishModel(f, 1, await trainModel(f.series));
  });
  after(async () => {
    await ch?.close();
    await f?.cleanup();
  });

  it('folds N events, snapshots at shutdown; after M more, a restart from the snapshot equals a full fold and answers alike', async () => {
    await f.sales.send(first);
    const a = await started(f, true);
    assert.equal(a.gw.store.events, first.length);
    assert.ok(a.lines.some((l) => /no snapshot loaded \(none stored for /.test(l)), a.lines.join('\n'));
    await a.gw.close();
    const heads = await snapshots.heads(f.cfg.topics.sales);
    assert.equal(heads.length, 1, 'one snapshot, written at shutdown');
    const meta = parseMeta(heads[0]!.meta) as SnapshotMeta;
    assert.deepEqual([meta.events, meta.series], [first.length, SeriesHistory.fromSalesWeeks(first).size]);

    await f.sales.send(rest);
    const all = [...first, ...rest];
    const expected = historiesChecksum(SeriesHistory.fromSalesWeeks(all).values());
    const b = await started(f, true);
    const c = await started(f, false);
    try {
      assert.ok(b.lines.some((l) => l.startsWith(`snapshot ${meta.id} loaded`)), b.lines.join('\n'));
      assert.ok(b.lines.some((l) => l.includes(`(from snapshot ${meta.id})`)), 'caught up from the snapshot');
      assert.ok(c.lines.some((l) => l.includes('(full fold)')), c.lines.join('\n'));
      assert.equal(historiesChecksum(b.gw.store.all()), expected, 'restored + M events = a fold of N + M events');
      assert.equal(historiesChecksum(c.gw.store.all()), expected, 'the full fold too');
      assert.deepEqual([b.gw.store.events, b.gw.store.latestWeek, b.gw.store.firstWeek, b.gw.store.size], [all.length, c.gw.store.latestWeek, c.gw.store.firstWeek, c.gw.store.size]);
      assert.equal(b.gw.store.get(1, 1).salesAt(b.gw.store.get(1, 1).indexOf('2010-12-24')), 12_345.67, 'the re-sent week won');
      assert.deepEqual(await answers(b.gw, keys), await answers(c.gw, keys));
    } finally {
      await Promise.all([b.gw.close(), c.gw.close()]);
    }
    assert.equal((await snapshots.heads(f.cfg.topics.sales)).length, 2, 'b wrote a newer one (its state moved), c none (snapshots off)');
  });

  it('refuses mismatched snapshots with the reason, uses the next valid one, and folds from the beginning when none is left', async () => {
    const [newest] = await snapshots.heads(f.cfg.topics.sales);
    const good = parseMeta(newest!.meta) as SnapshotMeta;
    const oldVersion: SnapshotMeta = { ...good, id: `${good.createdAt + 1}-oldfeat`, createdAt: good.createdAt + 1, featureVersion: 'v0-00000000' };
    const beyond: SnapshotMeta = { ...good, id: `${good.createdAt + 2}-beyond`, createdAt: good.createdAt + 2, offsets: Object.fromEntries(Object.entries(good.offsets).map(([p, o]) => [p, String(BigInt(o) + 1000n)])) };
    await snapshots.write(oldVersion, []);
    await snapshots.write(beyond, []);
    const expected = historiesChecksum(SeriesHistory.fromSalesWeeks([...first, ...rest]).values());

    const d = await started(f, true);
    await d.gw.close();
    const ignored = d.lines.filter((l) => / ignored: /.test(l));
    assert.equal(ignored.length, 2, d.lines.join('\n'));
    assert.match(ignored[0]!, new RegExp(`^snapshot ${beyond.id} ignored: partition \\d+: it covers up to offset \\d+, beyond the log end \\d+ \\(topic recreated or truncated\\)$`));
    assert.match(ignored[1]!, new RegExp(`^snapshot ${oldVersion.id} ignored: feature version v0-00000000, this gateway computes v1-`));
    assert.ok(d.lines.some((l) => l.startsWith(`snapshot ${good.id} loaded`)), 'the newest valid one');
    assert.equal(historiesChecksum(d.gw.store.all()), expected);

    // keep only the two refused ones: the full fold runs
    const before = (await snapshots.heads(f.cfg.topics.sales)).map((h) => h.id);
    assert.deepEqual(before.slice(0, 2), [beyond.id, oldVersion.id], `${before.join(' ')}\n${d.lines.join('\n')}`);
    assert.equal(await snapshots.prune(f.cfg.topics.sales, 2), 2);
    const e = await started(f, true);
    await e.gw.close();
    assert.ok(e.lines.some((l) => /^no snapshot loaded \(every stored snapshot was refused\)/.test(l)), e.lines.join('\n'));
    assert.ok(e.lines.some((l) => l.includes('(full fold)')));
    assert.equal(historiesChecksum(e.gw.store.all()), expected);
    assert.equal(e.gw.store.events, first.length + rest.length);
  });

  it('refuses a snapshot whose chunk is corrupt or missing, with the reason, and the gateway folds the whole log instead (no crash)', async () => {
    // a valid snapshot written by a gateway, then two copies whose head passes the meta checks but whose chunks do not make it
    const a = await started(f, true);
    await a.gw.close();
    const [newest] = await snapshots.heads(f.cfg.topics.sales);
    const good = parseMeta(newest!.meta) as SnapshotMeta;
    assert.ok(good.parts >= 1, newest!.meta);
    const garbage = Buffer.from('not a deflate stream at all');
    const corrupt: SnapshotMeta = { ...good, id: `${good.createdAt + 1}-corrupt`, createdAt: good.createdAt + 1, parts: 1 };
    // the good one's chunks, all of them, but its meta claims one more (as if the head were written before the last chunk)
    const partly: SnapshotMeta = { ...good, id: `${good.createdAt + 2}-partly`, createdAt: good.createdAt + 2, parts: good.parts + 1 };
    await snapshots.write(corrupt, [garbage]);
    const parts = `${f.cfg.clickhouse.database}.${PARTS_TABLE}`;
    await exec(ch, `INSERT INTO ${parts} (id, part, data) SELECT '${partly.id}', part, data FROM ${parts} WHERE id = '${good.id}'`);
    await snapshots.write(partly, []);
    await snapshots.prune(f.cfg.topics.sales, 2);
    assert.deepEqual((await snapshots.heads(f.cfg.topics.sales)).map((h) => h.id), [partly.id, corrupt.id], 'only the two broken ones are left');
    const expected = historiesChecksum(SeriesHistory.fromSalesWeeks([...first, ...rest]).values());

    const g = await started(f, true);
    await g.gw.close();
    const ignored = g.lines.filter((l) => / ignored: /.test(l));
    assert.equal(ignored.length, 2, g.lines.join('\n'));
    assert.equal(ignored[0], `snapshot ${partly.id} ignored: ${good.parts} of its ${good.parts + 1} chunks are stored (written partly)`);
    assert.match(ignored[1]!, new RegExp(`^snapshot ${corrupt.id} ignored: its chunks do not decode: .*(header|invalid|incorrect)`, 'i'));
    assert.ok(g.lines.some((l) => /^no snapshot loaded \(every stored snapshot was refused\)/.test(l)), g.lines.join('\n'));
    assert.ok(g.lines.some((l) => l.includes('(full fold)')));
    assert.equal(historiesChecksum(g.gw.store.all()), expected);
    assert.equal(g.gw.store.events, first.length + rest.length);
  });
});
