/**
 * Start-up waits: a process started while Kafka, the schema registry or
 * ClickHouse is down waits for it with capped backoff, saying what it waits
 * for, instead of exiting at once.
 */
import { createClickhouse } from '../clickhouse/client.js';
import type { Config } from '../config.js';
import { messageOf } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import type { Logger } from '../log.js';

export type Dependency = 'kafka' | 'registry' | 'clickhouse';

/** One look at a dependency; resolves when it answers, rejects with why not. */
async function probe(cfg: Readonly<Config>, dep: Dependency): Promise<void> {
  if (dep === 'kafka') {
    const admin = createKafka(cfg, 'wait-for', { retries: 0 }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  } else if (dep === 'registry') {
    const res = await fetch(`${cfg.registry.url}/subjects`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } else {
    const ch = createClickhouse(cfg);
    try {
      const r = await ch.ping();
      if (!r.success) throw r.error;
    } finally {
      await ch.close();
    }
  }
}

const WHERE: Record<Dependency, (cfg: Readonly<Config>) => string> = {
  kafka: (cfg) => cfg.kafka.brokers.join(','),
  registry: (cfg) => cfg.registry.url,
  clickhouse: (cfg) => cfg.clickhouse.url,
};

/** Waits until every dependency answers; backoff 0.5 s doubling to `capMs` (default 10 s). Rejects only after `timeoutMs` (default: never). */
export async function waitForDependencies(cfg: Readonly<Config>, deps: readonly Dependency[], log: Logger, opts: { capMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  for (const dep of deps) {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe(cfg, dep);
        if (attempt > 0) log.info(`${dep} is up at ${WHERE[dep](cfg)}`);
        break;
      } catch (err) {
        const wait = Math.min(opts.capMs ?? 10_000, 500 * 2 ** attempt);
        if (Date.now() + wait > deadline) throw new Error(`${dep} at ${WHERE[dep](cfg)} did not answer: ${messageOf(err)}`, { cause: err });
        log.warn(`waiting for ${dep} at ${WHERE[dep](cfg)} (${messageOf(err)}); next try in ${(wait / 1000).toFixed(1)} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
