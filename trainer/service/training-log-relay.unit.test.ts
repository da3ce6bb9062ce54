import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../../lib/log.js';
import type { TrainingDiagnostic } from '../../domain/training/diagnostics.js';
import { decodeTrainingLog } from '../../domain/training/log-record.js';
import { TrainingLogRelay, type SendBatch } from './training-log-relay.js';

const round = (runId: string, i: number): TrainingDiagnostic => ({ type: 'log', runId, line: { type: 'progress', round: i, of: 100, validMae: 0.5 } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quietLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const l = { warnings, debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m), child: () => l };
  return l;
}

describe('training log relay', () => {
  it('gathers lines into one keyed batch, numbered from 1, readable by the gateway side', async () => {
    const batches: { key: string; value: Buffer }[][] = [];
    const relay = new TrainingLogRelay({ log: quietLog(), flushMs: 20, send: async (m) => void batches.push(m) });
    for (let i = 1; i <= 5; i++) relay.push(round('run-a', i));
    relay.push({ type: 'requested', requestId: 'req-1', trigger: 'manual', reason: 'x', at: 1 });
    assert.equal(batches.length, 0, 'nothing is sent synchronously');
    await sleep(60);
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0]!.map((m) => m.key), ['run-a', 'run-a', 'run-a', 'run-a', 'run-a', 'req-1']);
    const records = batches[0]!.map((m) => decodeTrainingLog(m.value)!);
    assert.deepEqual(records.map((r) => r.seq), [1, 2, 3, 4, 5, 6]);
    assert.equal(records[0]!.pid, process.pid);
    assert.deepEqual(records[4]!.msg, round('run-a', 5));
    assert.deepEqual(relay.stats(), { sent: 6, dropped: 0, buffered: 0 });
  });

  it('never blocks on a stalled send: one batch in flight, the buffer keeps the newest lines', async () => {
    let release!: () => void;
    const calls: number[][] = [];
    const send: SendBatch = (m) => {
      calls.push(m.map((x) => decodeTrainingLog(x.value)!.seq));
      return calls.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    };
    const log = quietLog();
    const relay = new TrainingLogRelay({ log, flushMs: 5, maxBuffered: 10, send });
    relay.push(round('r', 1));
    await sleep(20);
    assert.equal(calls.length, 1, 'the first batch is in flight and stalls');
    const t0 = performance.now();
    for (let i = 2; i <= 1001; i++) relay.push(round('r', i));
    assert.ok(performance.now() - t0 < 200, 'pushing 1,000 lines behind a stalled send is quick');
    await sleep(20);
    assert.equal(calls.length, 1, 'no second send while one is in flight');
    assert.equal(relay.stats().buffered, 10);
    assert.equal(relay.stats().dropped, 990);
    assert.match(log.warnings[0] ?? '', /dropped .* training is unaffected/);
    release();
    await relay.drain();
    assert.deepEqual(calls[1], [992, 993, 994, 995, 996, 997, 998, 999, 1000, 1001], 'the newest lines are the ones kept');
  });

  it('drops a batch whose send fails, says so once, and goes on with the next', async () => {
    let fail = true;
    const sent: number[] = [];
    const log = quietLog();
    const relay = new TrainingLogRelay({
      log,
      flushMs: 5,
      send: async (m) => {
        if (fail) throw new Error('broker down');
        for (const x of m) sent.push(decodeTrainingLog(x.value)!.seq);
      },
    });
    relay.push(round('r', 1));
    await relay.drain();
    relay.push(round('r', 2));
    await relay.drain();
    fail = false;
    relay.push(round('r', 3));
    await relay.drain();
    assert.deepEqual(sent, [3]);
    assert.equal(relay.stats().dropped, 2);
    assert.equal(log.warnings.length, 1, 'warnings are throttled');
    assert.match(log.warnings[0]!, /broker down/);
  });

  it('the wire format refuses what it cannot read', () => {
    assert.equal(decodeTrainingLog(Buffer.from('not json')), null);
    assert.equal(decodeTrainingLog(Buffer.from(JSON.stringify({ v: 2 }))), null);
    assert.equal(decodeTrainingLog(Buffer.from(JSON.stringify({ v: 1, host: 'h', pid: 1, relay: 'r', seq: 1, at: 1, msg: { type: 'phase', runId: 'x' } }))), null, 'a phase without its duration');
    assert.equal(decodeTrainingLog(null), null);
  });
});
