import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { historiesChecksum } from '../../domain/features/history-codec.js';
import type { SalesWeek } from '../../schemas/types.js';
import { SeriesStore } from './series-store.js';
import { capture, encodeSnapshot, offsetsOf, parseMeta, SNAPSHOT_FORMAT, snapshotRefusal, SnapshotReader, type LogNow, type SnapshotMeta } from './snapshot.js';

const sale = (store: number, dept: number, week: string, weeklySales: number): SalesWeek =>
  ({ eventId: `${store}-${dept}-${week}`, store, dept, week, weeklySales, isHoliday: false, source: 'test', producedAt: 0 }) as unknown as SalesWeek;

const meta = (patch: Partial<SnapshotMeta> = {}): SnapshotMeta => ({
  id: '1-abc',
  format: SNAPSHOT_FORMAT,
  featureVersion: 'v1-aaaaaaaa',
  topic: 'sales.weekly',
  offsets: { '0': '10', '1': '0', '2': '25' },
  events: 35,
  series: 3,
  latestWeek: '2010-03-05',
  firstWeek: '2010-02-05',
  parts: 1,
  sha256: '0'.repeat(64),
  createdAt: 1,
  ...patch,
});
const now = (patch: Partial<LogNow> = {}): LogNow => ({
  topic: 'sales.weekly',
  featureVersion: 'v1-aaaaaaaa',
  partitions: [
    { partition: 0, low: 0n, high: 12n },
    { partition: 1, low: 0n, high: 0n },
    { partition: 2, low: 5n, high: 25n },
  ],
  ...patch,
});

describe('snapshot validity rule', () => {
  it('accepts a snapshot whose offsets lie within each partition, the bounds included (offset = log start, offset = log end)', () => {
    assert.equal(snapshotRefusal(meta(), now()), null);
    assert.equal(snapshotRefusal(meta({ offsets: { '0': '0', '1': '0', '2': '5' } }), now()), null);
  });

  it('refuses another format, naming both', () => {
    assert.equal(snapshotRefusal(meta({ format: SNAPSHOT_FORMAT + 1 }), now()), `format ${SNAPSHOT_FORMAT + 1}, this gateway reads format ${SNAPSHOT_FORMAT}`);
  });

  it('refuses another feature version, naming both', () => {
    assert.equal(snapshotRefusal(meta({ featureVersion: 'v1-bbbbbbbb' }), now()), 'feature version v1-bbbbbbbb, this gateway computes v1-aaaaaaaa');
  });

  it('refuses another topic', () => {
    assert.equal(snapshotRefusal(meta({ topic: 'other.sales' }), now()), 'it covers topic other.sales, this gateway follows sales.weekly');
  });

  it('refuses another set of partitions (one added, one missing)', () => {
    const more = now({ partitions: [...now().partitions, { partition: 3, low: 0n, high: 0n }] });
    assert.equal(snapshotRefusal(meta(), more), 'it covers partitions [0,1,2], sales.weekly has [0,1,2,3]');
    assert.equal(snapshotRefusal(meta({ offsets: { '0': '10', '2': '25' } }), now()), 'it covers partitions [0,2], sales.weekly has [0,1,2]');
  });

  it('refuses an offset past the log end (topic recreated or truncated)', () => {
    assert.equal(snapshotRefusal(meta({ offsets: { '0': '13', '1': '0', '2': '25' } }), now()), 'partition 0: it covers up to offset 13, beyond the log end 12 (topic recreated or truncated)');
  });

  it('refuses an offset before the log start (events deleted in between)', () => {
    assert.equal(snapshotRefusal(meta({ offsets: { '0': '10', '1': '0', '2': '4' } }), now()), 'partition 2: it covers up to offset 4, before the log start 5 (the events between were deleted)');
  });

  it('parses a stored meta, and refuses one that is not JSON or lacks a field, naming the field', () => {
    const ok = parseMeta(JSON.stringify(meta()));
    assert.deepEqual(ok, meta());
    assert.deepEqual(offsetsOf(ok as SnapshotMeta), new Map([[0, 10n], [1, 0n], [2, 25n]]));
    assert.deepEqual(parseMeta('{"id":'), { refused: 'its meta is not JSON' });
    const { featureVersion: _, ...noVersion } = meta();
    assert.match((parseMeta(JSON.stringify(noVersion)) as { refused: string }).refused, /^its meta field featureVersion is invalid/);
    assert.match((parseMeta(JSON.stringify(meta({ offsets: { '0': '-1' } }))) as { refused: string }).refused, /^its meta field offsets\.0 is invalid/);
  });
});

/** Three series over two partitions; partition 2 never had an event. */
function filled(): SeriesStore {
  const s = new SeriesStore();
  s.apply(sale(1, 1, '2010-02-05', 10), { partition: 0, offset: '0' });
  s.apply(sale(1, 1, '2010-02-12', 11), { partition: 0, offset: '1' });
  s.apply(sale(1, 2, '2010-02-05', 20), { partition: 1, offset: '0' });
  s.apply(sale(2, 1, '2010-02-19', 30), { partition: 0, offset: '2' });
  s.covered(1, '1'); // a refused event on partition 1
  return s;
}
const starts = new Map([[0, 0n], [1, 0n], [2, 7n]]);

describe('snapshot encode / decode', () => {
  it('captures offsets and counters together; a partition with no event is covered from where the follower started it', () => {
    const c = capture(filled(), 'sales.weekly', 'v1-aaaaaaaa', starts);
    assert.deepEqual(c.offsets, new Map([[0, 3n], [1, 2n], [2, 7n]]));
    assert.deepEqual([c.events, c.latestWeek, c.firstWeek, c.histories.length], [4, '2010-02-19', '2010-02-05', 3]);
  });

  it('restores a store equal to the captured one, across several chunks, and it keeps folding', async () => {
    const src = filled();
    const { meta: m, parts } = await encodeSnapshot(capture(src, 'sales.weekly', 'v1-aaaaaaaa', starts), { now: 5, chunkBytes: 1 });
    assert.equal(parts.length, 3, 'one series per chunk at chunkBytes = 1');
    assert.deepEqual([m.series, m.events, m.parts, m.offsets, m.createdAt], [3, 4, 3, { '0': '3', '1': '2', '2': '7' }, 5]);
    const r = new SnapshotReader(m);
    for (const [i, p] of parts.entries()) await r.add(i, p);
    assert.equal(r.finish(), null);
    const back = new SeriesStore();
    back.restore(r.histories, { events: m.events, latestWeek: m.latestWeek, firstWeek: m.firstWeek, offsets: offsetsOf(m) });
    assert.equal(historiesChecksum(back.all()), historiesChecksum(src.all()));
    assert.deepEqual(back.catalog(), src.catalog());
    // the same next event on both: still equal, and the restored one counts it once
    for (const s of [src, back]) s.apply(sale(1, 2, '2010-02-26', 21), { partition: 1, offset: '2' });
    assert.equal(historiesChecksum(back.all()), historiesChecksum(src.all()));
    assert.deepEqual([back.events, back.latestWeek, back.offsets.get(1)], [src.events, src.latestWeek, 3n]);
  });

  it('refuses chunks that do not make the snapshot: one missing, out of order, corrupt, or fewer series than the meta says', async () => {
    const { meta: m, parts } = await encodeSnapshot(capture(filled(), 'sales.weekly', 'v1-aaaaaaaa', starts), { chunkBytes: 1 });
    const partial = new SnapshotReader(m);
    await partial.add(0, parts[0]!);
    await partial.add(1, parts[1]!);
    assert.equal(partial.finish(), '2 of its 3 chunks are stored (written partly)');
    await assert.rejects(new SnapshotReader(m).add(1, parts[1]!), /chunk 1 arrived where chunk 0 was expected/);
    const wrongHash = new SnapshotReader({ ...m, sha256: 'f'.repeat(64) });
    for (const [i, p] of parts.entries()) await wrongHash.add(i, p);
    assert.match(wrongHash.finish()!, /^its chunks hash to [0-9a-f]{12}, its meta says ffffffffffff \(corrupt\)$/);
    const fewer = new SnapshotReader({ ...m, series: 4 });
    for (const [i, p] of parts.entries()) await fewer.add(i, p);
    assert.equal(fewer.finish(), 'it decodes to 3 series, its meta says 4');
    await assert.rejects(new SnapshotReader(m).add(0, Buffer.from('not deflate')));
  });

  it('restore refuses a store that already holds events', () => {
    assert.throws(() => filled().restore([], { events: 0, latestWeek: null, firstWeek: null, offsets: new Map() }), /already holds events/);
  });
});
