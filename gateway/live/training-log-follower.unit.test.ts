import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainingDiagnostic } from '../../domain/training/diagnostics.js';
import { decodeTrainingLog, encodeTrainingLog, type TrainingLogRecord } from '../../domain/training/log-record.js';
import { relayedLines } from './training-log-follower.js';

const other = { host: 'trainer-box', pid: 4242 };
const rec = (seq: number, msg: TrainingDiagnostic, from = other, relay = 'r1'): TrainingLogRecord => ({ v: 1, ...from, relay, seq, at: 1_700_000_000_000 + seq, msg });
const progress = (i: number): TrainingDiagnostic => ({ type: 'log', runId: 'run-1', line: { type: 'progress', round: i, of: 150, validMae: 0.1234 } });

describe('training lines relayed over Kafka', () => {
  it('turns another process\'s lines into training-log lines, timed when the trainer said them', () => {
    const toLine = relayedLines();
    assert.deepEqual(toLine(rec(1, progress(10))), { at: 1_700_000_000_001, runId: 'run-1', kind: 'log', level: 'info', text: 'round 10/150, valid MAE 0.1234' });
    assert.equal(toLine(rec(2, { type: 'phase', runId: 'run-1', phase: 'read', ms: 1500 }))?.text, 'read done in 1.50 s');
  });

  it('shows lines published by its own process too: the topic is the one path of training lines', () => {
    const toLine = relayedLines();
    assert.ok(toLine(rec(1, progress(1), { host: 'gateway-box', pid: 1 })));
  });

  it('skips a line seen before (redelivery), per relay', () => {
    const toLine = relayedLines();
    assert.ok(toLine(rec(1, progress(1))));
    assert.ok(toLine(rec(2, progress(2))));
    assert.equal(toLine(rec(2, progress(2))), null);
    assert.equal(toLine(rec(1, progress(1))), null);
    assert.ok(toLine(rec(1, progress(1), other, 'r2')), 'another relay (a restarted trainer) counts from 1 again');
  });

  it('relays a trigger waiting for the data as a warning, and the end of the wait as info (the Components panel shows the last)', () => {
    const toLine = relayedLines();
    const waiting: TrainingDiagnostic = { type: 'trigger', trigger: 'threshold', waiting: true, reason: 'threshold: reached; waiting for the data: materializer 5 events behind', at: 7 };
    const decoded = decodeTrainingLog(encodeTrainingLog(rec(1, waiting)));
    assert.ok(decoded, 'the record survives the topic format');
    assert.deepEqual(toLine(decoded), { at: 7, runId: null, kind: 'trigger', level: 'warn', text: waiting.reason });
    assert.equal(toLine(rec(2, { ...waiting, waiting: false, reason: 'caught up' }))?.level, 'info');
    assert.equal(decodeTrainingLog(encodeTrainingLog(rec(3, { ...waiting, waiting: 'yes' } as unknown as TrainingDiagnostic))), null, 'a malformed trigger line is skipped');
  });

  it('relays a measured decay window: a warning when it asked for a retraining', () => {
    const toLine = relayedLines();
    const d: TrainingDiagnostic = { type: 'decay', version: 2, decayed: true, text: 'v2 live WMAE 1,625 over ...', at: 9 };
    assert.deepEqual(toLine(decodeTrainingLog(encodeTrainingLog(rec(1, d)))!), { at: 9, runId: null, kind: 'decay', level: 'warn', text: d.text });
    assert.equal(toLine(rec(2, { ...d, decayed: false }))?.level, 'info');
  });

  it('carries the window figures the decay chart draws through the topic; a malformed window is skipped', () => {
    const toLine = relayedLines();
    const window = { from: '2011-08-26', to: '2011-09-02', wmae: 1916.4, threshold: 1368.2 };
    const d: TrainingDiagnostic = { type: 'decay', version: 1, decayed: true, text: 'v1 live WMAE 1,916 over ...', at: 9, window };
    assert.deepEqual(toLine(decodeTrainingLog(encodeTrainingLog(rec(1, d)))!)?.decay, { version: 1, ...window, decayed: true });
    assert.equal(decodeTrainingLog(encodeTrainingLog(rec(2, { ...d, window: { ...window, wmae: 'high' } } as unknown as TrainingDiagnostic))), null);
  });

  it('leaves requested and finished to the model log', () => {
    const toLine = relayedLines();
    assert.equal(toLine(rec(1, { type: 'finished', runId: 'run-1', version: 1, decision: 'promoted', reason: 'ok', durationMs: 1, at: 1 })), null);
  });
});
