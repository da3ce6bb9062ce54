/**
 * The predict benchmark's report: one target's rounds of a workload merged
 * into one printed row, and the targets and ratios read from the
 * rows of a run.
 */
import type { WrkResult } from './wrk.js';
import type { Observed } from './observe.js';

export type Row = Record<string, string | number>;

/** One target's rounds of a workload, merged: throughput over all of them, the median round's percentiles, the worst max. */
export interface Merged {
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  p50: number[];
  p99: number[];
  max: number;
  cpuMs: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

export const emptyMerged = (): Merged => ({ requests: 0, errors: 0, firstError: null, seconds: 0, p50: [], p99: [], max: 0, cpuMs: 0, loopP99Ms: 0, loopMaxMs: 0 });

/** Adds one round (`r`, observed as `obs`) to a target's merged rounds. */
export function addRound(m: Merged, r: WrkResult, obs: Observed<unknown>): void {
  Object.assign(m, { requests: m.requests + r.requests, errors: m.errors + r.errors, firstError: m.firstError ?? r.firstError, seconds: m.seconds + r.seconds, max: Math.max(m.max, r.max) });
  m.p50.push(r.p50);
  m.p99.push(r.p99);
  m.cpuMs += obs.cpuMs;
  m.loopP99Ms = Math.max(m.loopP99Ms, obs.loopP99Ms);
  m.loopMaxMs = Math.max(m.loopMaxMs, obs.loopMaxMs);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;

/** The printed row of one target's merged rounds; the CPU column is this process's (the gateway, the echo), warm-ups included. */
export function rowOf(w: { name: string; rowsPerRequest: number }, runner: { target: string; inProcess: boolean }, m: Merged): Row {
  const rps = m.requests / m.seconds;
  return {
    workload: w.name,
    target: runner.target,
    requests: m.requests,
    errors: m.errors,
    'req/s': Math.round(rps),
    'rows/s': Math.round(rps * w.rowsPerRequest),
    'p50 ms': +median(m.p50).toFixed(2),
    'p99 ms': +median(m.p99).toFixed(2),
    'max ms': +m.max.toFixed(1),
    'server CPU µs/req': runner.inProcess ? Math.round((m.cpuMs * 1000) / Math.max(1, m.requests)) : '-',
    'loop p99/max ms': runner.inProcess ? `${m.loopP99Ms.toFixed(1)}/${m.loopMaxMs.toFixed(1)}` : '-',
    ...(m.firstError ? { 'first error': m.firstError } : {}),
  };
}

/** The targets and ratios from the rows of this run. */
export function summary(rows: readonly Row[], o: { rate: number; concurrency: number; batchSize: number }): Row[] {
  const at = (w: string, t: string, k: string) => Number(rows.find((r) => r.workload === w && r.target === t)?.[k] ?? Number.NaN);
  const single = `single, wrk ${o.concurrency} connections`;
  const open = `single, open loop ${o.rate}/s`;
  const batch = `batch of ${o.batchSize}, wrk ${o.concurrency} connections`;
  const fig = (figure: string, value: number, target = '', met: (v: number) => boolean = () => true, judged = target !== '') => ({
    figure,
    value: Number.isFinite(value) ? +value.toFixed(value < 10 ? 2 : 0) : 'n/a',
    target,
    met: !judged || !Number.isFinite(value) ? '' : met(value) ? 'met' : 'missed',
  });
  const echo = at(single, 'echo', 'req/s');
  const computedRows = at(batch, 'gateway, computed', 'rows/s');
  const onnx = at(batch, 'onnxruntime-node alone (same model, features ready)', 'rows/s');
  return [
    fig('single, cached: gateway / node:http JSON echo, req/s', at(single, 'gateway, cached', 'req/s') / echo, '>= 0.6', (v) => v >= 0.6),
    fig('single, computed: gateway / node:http JSON echo, req/s', at(single, 'gateway, computed', 'req/s') / echo, '>= 0.35', (v) => v >= 0.35),
    fig(`p99 at ${o.rate} req/s, cached: gateway ms`, at(open, 'gateway, cached', 'p99 ms'), '<= 3', (v) => v <= 3),
    fig(`p99 at ${o.rate} req/s, computed: gateway ms`, at(open, 'gateway, computed', 'p99 ms'), '<= 3', (v) => v <= 3),
    fig(`batches of ${o.batchSize}, computed, over HTTP: gateway rows/s`, computedRows, '>= 350,000', (v) => v >= 350_000),
    fig(`batches of ${o.batchSize}, computed: gateway over HTTP / onnxruntime-node alone, rows/s`, computedRows / onnx, '>= 0.25', (v) => v >= 0.25),
    fig(`batches of ${o.batchSize}, cached, over HTTP: gateway rows/s`, at(batch, 'gateway, cached', 'rows/s')),
    fig('single, cached: CPU per request, echo / gateway (contention-free view)', at(single, 'echo', 'server CPU µs/req') / at(single, 'gateway, cached', 'server CPU µs/req')),
    fig('single: gateway cached / FastAPI + xgboost, req/s', at(single, 'gateway, cached', 'req/s') / at(single, 'FastAPI + xgboost', 'req/s')),
    fig('single: gateway computed / FastAPI + xgboost, req/s', at(single, 'gateway, computed', 'req/s') / at(single, 'FastAPI + xgboost', 'req/s')),
    fig(`batches of ${o.batchSize}: gateway computed / FastAPI + xgboost, rows/s`, computedRows / at(batch, 'FastAPI + xgboost', 'rows/s')),
    fig(`p99 at ${o.rate} req/s: FastAPI + xgboost ms`, at(open, 'FastAPI + xgboost', 'p99 ms')),
  ];
}
