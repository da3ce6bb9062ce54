import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWrk, runWrk } from './wrk.js';

const line = (o: Record<string, number>) =>
  `Running 3s test @ http://127.0.0.1:1/\n  1 threads and 8 connections\nWRK_RESULT ${JSON.stringify({ requests: 3000, durationUs: 3_000_000, connect: 0, read: 0, write: 0, status: 0, timeout: 0, p50Us: 350, p99Us: 2500, maxUs: 9100, ...o })}\n`;

describe("wrk's result line", () => {
  it('reads requests, seconds and latencies in ms', () => {
    assert.deepEqual(parseWrk(line({})), { requests: 3000, errors: 0, firstError: null, seconds: 3, p50: 0.35, p99: 2.5, max: 9.1 });
  });
  it('counts non-2xx answers and socket errors as errors, and says which', () => {
    const r = parseWrk(line({ status: 4, timeout: 2 }));
    assert.equal(r.errors, 6);
    assert.equal(r.firstError, '4 non-2xx/3xx answers');
    assert.match(parseWrk(line({ read: 3 })).firstError!, /read 3/);
  });
  it('refuses output without the result line (wrk failed or the script did not run)', () => {
    assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n'), /no result line: unable to connect/);
  });
  it('loads nothing but loopback', async () => {
    // a reserved name that never resolves: should the guard go, wrk fails to resolve it and sends nothing anywhere
    await assert.rejects(runWrk({ url: 'http://bench.invalid:80', path: '/', bodies: ['{}'], connections: 1, seconds: 1 }), /only loopback targets, got bench\.invalid/);
  });
});
