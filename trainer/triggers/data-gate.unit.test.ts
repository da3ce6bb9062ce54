import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BULK_EVENTS_PER_S, GateReporter, gateOf, growthOf, waitForGate, type GateVerdict, type TriggerGateStatus } from './data-gate.js';

const ends = [
  { partition: 0, low: 0, high: 100 },
  { partition: 1, low: 10, high: 50 },
  { partition: 2, low: 0, high: 0 },
];

test('the gate opens only when every reader has passed the end of every partition', () => {
  const caughtUp = gateOf(ends, [{ name: 'materializer', next: new Map([[0, 100], [1, 50]]) }]);
  assert.deepEqual(caughtUp, { open: true, behind: { materializer: 0 }, reason: '' });
  // partition 0: 100 - 60 = 40; partition 1 never read: 50 - 10 (its low) = 40; partition 2 empty: 0
  const v = gateOf(ends, [
    { name: 'materializer', next: new Map([[0, 60]]) },
    { name: 'threshold watcher', next: new Map([[0, 100], [1, 49]]) },
  ]);
  assert.equal(v.open, false);
  assert.deepEqual(v.behind, { materializer: 80, 'threshold watcher': 1 });
  assert.equal(v.reason, 'waiting for the data: materializer 80 events behind, threshold watcher 1 events behind the sales log (a backfill or a replay is being materialized)');
});

test('a reader that never committed is behind everything the log holds; an empty log opens the gate', () => {
  assert.deepEqual(gateOf(ends, [{ name: 'materializer', next: new Map() }]).behind, { materializer: 140 });
  assert.equal(gateOf([{ partition: 0, low: 0, high: 0 }], [{ name: 'materializer', next: new Map() }]).open, true);
  assert.match(gateOf(ends, [{ name: 'forecast projector', next: new Map() }], 'forecast.published').reason, /forecast projector 140 events behind forecast\.published \(/);
});

const shut = (n: number): GateVerdict => ({ open: false, behind: { materializer: n }, reason: `materializer ${n} behind` });
const open: GateVerdict = { open: true, behind: { materializer: 0 }, reason: '' };

test('the reporter says a wait when it begins, every 10 s while it lasts (not at every check), and once when it ends', () => {
  let now = 1_000;
  const said: [TriggerGateStatus, string][] = [];
  const r = new GateReporter('threshold', (s, text) => said.push([s, text]), () => now);
  r.open();
  assert.equal(said.length, 0, 'nothing to say before any wait');
  r.waiting(shut(500), 'threshold reached');
  now += 4_000;
  r.waiting(shut(300), 'threshold reached');
  assert.equal(said.length, 1);
  assert.equal(said[0]![1], 'threshold: threshold reached; materializer 500 behind');
  assert.deepEqual(r.status(), { trigger: 'threshold', waiting: true, reason: 'materializer 300 behind', since: 1_000 });
  now += 6_000;
  r.waiting(shut(100), 'threshold reached');
  assert.equal(said.length, 2, 'repeated after 10 s');
  now += 2_000;
  r.open();
  r.open();
  assert.equal(said.length, 3);
  assert.equal(said[2]![1], 'threshold: the materialized view caught up with the sales log after 12 s; deciding on it');
  assert.deepEqual(said[2]![0], { trigger: 'threshold', waiting: false, reason: '', since: 13_000 });
});

test('waitForGate asks until the gate opens, and gives up when stopped', async () => {
  const verdicts = [shut(2), shut(1), open];
  const said: string[] = [];
  const r = new GateReporter('schedule', (_s, text) => said.push(text));
  const waited = await waitForGate(async () => verdicts.shift()!, r, 'tick', () => false, 1);
  assert.equal(verdicts.length, 0, 'asked three times');
  assert.ok(waited !== null && waited >= 0);
  assert.equal(said.length, 2, 'the wait, then its end');
  assert.equal(await waitForGate(async () => shut(1), r, 'tick', () => true, 1), null);
  let asked = 0;
  const failing = await Promise.race([
    waitForGate(async () => (asked++, Promise.reject(new Error('broker down'))), r, 'tick', () => asked >= 3, 1),
    new Promise((res) => setTimeout(() => res('timeout'), 1000)),
  ]);
  assert.equal(failing, null, 'an unreadable log keeps the gate shut (it is not an open gate)');
  assert.match(said[2]!, /the log's offsets could not be read \(broker down\)/);
});

test('a log growing faster than the bulk rate keeps the gate shut, a stream does not', () => {
  // 1 s apart: partition 0 grew by 600, partition 1 by 500, partition 2 (new, low 0) by 20 -> 1,120 events/s
  const later = [
    { partition: 0, low: 0, high: 700 },
    { partition: 1, low: 10, high: 550 },
    { partition: 2, low: 0, high: 20 },
  ];
  const bulk = growthOf(ends, later, 1000, BULK_EVENTS_PER_S);
  assert.equal(bulk.rate, 1120);
  assert.equal(bulk.bulk, true);
  assert.match(bulk.reason, /the sales log is growing at 1,120 events\/s \(a backfill, an import or a replay is being written\)/);
  // the same growth over 2 s is 560 events/s: a stream
  assert.deepEqual(growthOf(ends, later, 2000, BULK_EVENTS_PER_S), { bulk: false, rate: 560, reason: '' });
  assert.equal(growthOf(ends, ends, 1000, BULK_EVENTS_PER_S).rate, 0);
  // exactly at the limit is not bulk
  assert.equal(growthOf(ends, later, 1120, BULK_EVENTS_PER_S).bulk, false);
});
