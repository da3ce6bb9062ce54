import { createServer as createNetServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadConfig, topicNames, withOverrides, type Config } from './config.js';
import { createClickhouse, exec } from './clickhouse/client.js';
import { createKafka } from './kafka/client.js';
import { setLogLevel } from './log.js';

/**
 * A config for one integration test: unique topic prefix, database and
 * consumer groups, so tests never see each other's data. `cleanup()` drops
 * the database and deletes the topics.
 */
export function isolatedConfig(name: string): { cfg: Readonly<Config>; tag: string; prefix: string; cleanup: () => Promise<void> } {
  setLogLevel('warn');
  const tag = `t${Date.now().toString(36)}${randomUUID().replace(/-/g, '').slice(0, 6)}`;
  const prefix = `${tag}.${name}.`;
  const cfg = withOverrides(loadConfig(), (d) => {
    d.topics = topicNames(prefix);
    d.clickhouse.database = `test_${tag}`;
    d.materializer.groupId = `${tag}-materializer`;
  });
  const cleanup = async () => {
    const ch = createClickhouse(cfg);
    await exec(ch, `DROP DATABASE IF EXISTS ${cfg.clickhouse.database}`).catch(() => undefined);
    await ch.close();
    const admin = createKafka(cfg, 'test-cleanup').admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = Object.values(cfg.topics).filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await admin.disconnect();
  };
  return { cfg, tag, prefix, cleanup };
}

/** The environment variables that reproduce a config's isolation in a child process. */
export function isolatedEnv(cfg: Readonly<Config>, prefix: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TOPIC_PREFIX: prefix,
    CLICKHOUSE_DATABASE: cfg.clickhouse.database,
    MATERIALIZER_GROUP: cfg.materializer.groupId,
    LOG_LEVEL: 'warn',
    // a test's child processes serve no /metrics: the default ports may be in use by a running system
    MATERIALIZER_METRICS_PORT: '0',
    PROJECTOR_METRICS_PORT: '0',
    TRAINER_METRICS_PORT: '0',
  };
}

/** Polls `pred` every `pollMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(pred: () => Promise<boolean> | boolean, timeoutMs = 30_000, pollMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** A local port with nothing listening on it. */
export async function deadPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
