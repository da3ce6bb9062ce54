import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { messageOf } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { ModelHolder } from './model/holder.js';
import type { Follower } from './state/follower.js';

export interface Check {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  /** Every dependency's state (probes cached for `ttlMs` so callers cannot hammer them) and the gateway's own. */
  check(): Promise<{ ready: boolean; checks: Record<string, Check> }>;
}

const TIMEOUT = Symbol('timeout');

/**
 * One dependency's check. A failure says only that the dependency is down
 * (or silent): /readyz is public, and a client's error text can carry
 * addresses, users or URLs. The text goes to the gateway's log instead.
 */
async function probe(name: string, fn: () => Promise<string>, timeoutMs: number, log?: Logger): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<string>((_, reject) => {
        timer = setTimeout(() => reject(TIMEOUT), timeoutMs);
      }),
    ]);
    return { ok: true, detail };
  } catch (err) {
    if (err === TIMEOUT) return { ok: false, detail: `no answer within ${timeoutMs} ms` };
    log?.warn(`readiness: ${name} unreachable: ${messageOf(err)}`);
    return { ok: false, detail: 'unreachable (details in the gateway log)' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness = can this replica answer predictions correctly: Kafka, the
 * schema registry and ClickHouse reachable, the online state caught up with
 * the log, and a model loaded.
 */
export function createReadiness(deps: {
  admin: Admin;
  registryUrl: string;
  ch: ClickHouseClient;
  holder: ModelHolder;
  follower: () => Follower | null;
  ttlMs?: number;
  /** where a failing probe's error text goes (it is not in the answer) */
  log?: Logger;
}): Readiness {
  const ttl = deps.ttlMs ?? 1000;
  let cached: { at: number; value: Promise<Check[]> } | null = null;
  const dependencies = () =>
    Promise.all([
      probe('kafka', async () => {
        const c = await deps.admin.describeCluster();
        return `${c.brokers.length} broker(s), controller ${c.controller}`;
      }, 2000, deps.log),
      probe('registry', async () => {
        const res = await fetch(`${deps.registryUrl}/subjects`, { signal: AbortSignal.timeout(2000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const subjects = (await res.json()) as unknown[];
        return `${subjects.length} subject(s)`;
      }, 2500, deps.log),
      probe('clickhouse', async () => {
        const r = await deps.ch.ping();
        if (!r.success) throw r.error;
        return 'ping ok';
      }, 2000, deps.log),
    ]);
  // dependency probes are cached; the gateway's own state is read live (it is free)
  const run = async () => {
    if (!cached || Date.now() - cached.at > ttl) cached = { at: Date.now(), value: dependencies() };
    const [kafka, registry, clickhouse] = (await cached.value) as [Check, Check, Check];
    const f = deps.follower();
    const lag = f?.lag() ?? {};
    const state: Check = f?.isCaughtUp()
      ? { ok: true, detail: `caught up (${Object.values(lag).reduce((a, b) => a + b, 0)} behind now)` }
      : { ok: false, detail: 'replaying the log into the online feature state' };
    const s = deps.holder.status;
    const cur = deps.holder.current;
    const model: Check = cur
      ? { ok: true, detail: `v${cur.version} (${cur.sha256.slice(0, 12)})` }
      : { ok: false, detail: s.state === 'failed' ? `v${s.version} failed: ${s.reason}` : s.state === 'loading' ? `v${s.version} loading` : 'no model promoted yet' };
    const checks = { kafka, registry, clickhouse, state, model };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
  return { check: run };
}
