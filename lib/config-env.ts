/**
 * The environment the configuration is read from: `.env` files (readDotEnv)
 * and every variable the system reads, with its default and its check, as one
 * zod schema (`.env.example` documents each one). lib/config.ts parses the
 * environment with it and builds the typed Config from the result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { KafkaSecurityEnv } from './kafka/security.js';

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Whether `s` is an http(s) origin written as the browser sends it: scheme://host[:port], no path. */
function isOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
  } catch {
    return false;
  }
}

/** Every variable the system reads, with its default. `.env.example` documents each one. */
export const EnvSchema = z.object({
  STACK_DIR: z.string().default('.stack'),
  STACK_INSTALL_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  LOG_FORMAT: z.enum(['json', 'text', 'auto']).default('auto'),
  KAFKA_PORT: port.default(19092),
  KAFKA_CONTROLLER_PORT: port.default(19093),
  KAFKA_HEAP_MB: z.coerce.number().int().min(256).default(1024),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_NODES: z.coerce.number().int().min(1).max(9).default(1),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(9).optional(),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(9).optional(),
  // TLS and SASL of the client (lib/kafka/security.ts): KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*_FILE, KAFKA_SASL_*
  ...KafkaSecurityEnv.shape,
  SALES_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6),
  REGISTRY_PORT: port.default(18081),
  REGISTRY_URL: z.string().url().optional(),
  REGISTRY_HEAP_MB: z.coerce.number().int().min(256).default(512),
  CLICKHOUSE_HTTP_PORT: port.default(18123),
  CLICKHOUSE_TCP_PORT: port.default(19000),
  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('forecast'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'a cluster name from the servers\' remote_servers ([A-Za-z_][A-Za-z0-9_]*)' }).optional(),
  CLICKHOUSE_SHARDS: z.coerce.number().int().min(1).max(9).default(1),
  ZOOKEEPER_PORT: port.default(12181),
  TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  MATERIALIZER_GROUP: z.string().default('materializer'),
  MATERIALIZER_BATCH_ROWS: z.coerce.number().int().min(1).default(50000),
  MATERIALIZER_BATCH_MS: z.coerce.number().int().min(10).default(500),
  // the stalled-consumer watchdog (lib/kafka/stall-watchdog.ts): behind with no commit for this long, the process exits and is restarted; 0 = off
  CONSUMER_STALL_S: z.coerce.number().int().min(0).default(60),
  SIM_SEED: z.coerce.number().int().default(42),
  SIM_STORES: z.coerce.number().int().min(1).max(500).default(45),
  SIM_DEPTS: z.coerce.number().int().min(1).max(99).default(80),
  SIM_START_WEEK: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).default('2010-02-05'),
  SIM_WEEKS: z.coerce.number().int().min(1).max(2000).default(143),
  SIM_RATE: z.coerce.number().positive().default(75),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port.default(8080),
  // unset or empty: a random token per start, printed with how to use it (no well-known default)
  GATEWAY_TOKEN: z.string().optional(),
  GATEWAY_OPEN_READS: bool.default(true),
  GATEWAY_MAX_BATCH: z.coerce.number().int().min(1).max(100000).default(1000),
  GATEWAY_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean))
    .pipe(z.array(z.string().refine(isOrigin, { error: 'a comma-separated list of origins such as http://localhost:5173 (scheme, host, optional port)' }))),
  GATEWAY_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(?:\*|[a-z0-9.-]+|[0-9a-f:]+)$/, { error: 'a comma-separated list of host names or addresses such as gateway,forecast.example.com (no port), or * for any' }))),
  GATEWAY_PREDICT_RATE: z.coerce.number().min(0).default(0),
  GATEWAY_PREDICT_BURST: z.coerce.number().int().min(1).optional(),
  GATEWAY_ACCESS_LOG: bool.default(true),
  GATEWAY_PUBLISH_FORECASTS: bool.default(true),
  GATEWAY_EXPORT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  GATEWAY_SNAPSHOTS: bool.default(true),
  GATEWAY_SNAPSHOT_EVERY_S: z.coerce.number().int().min(0).default(600),
  GATEWAY_SNAPSHOT_KEEP: z.coerce.number().int().min(1).default(2),
  METRICS_HOST: z.string().default('127.0.0.1'),
  WEBHOOK_URLS: z.string().default(''),
  // a Standard Webhooks secret: base64 of at least 24 bytes, `whsec_` prefix optional (what the receivers' libraries decode)
  WEBHOOK_SECRET: z
    .string()
    .default('')
    .refine((s) => s === '' || (/^(?:whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s.replace(/^whsec_/, ''), 'base64').length >= 24), {
      error: 'empty (unsigned) or a Standard Webhooks secret: whsec_ then base64 of at least 24 random bytes (whsec_$(openssl rand -base64 32))',
    }),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  MATERIALIZER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
  PROJECTOR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9102),
  TRAINER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9103),
  TRAIN_CRON: z.string().default('0 3 * * *'),
  TRAIN_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  TRAIN_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(30_000),
  TRAIN_THRESHOLD_FRACTION: z.coerce.number().min(0).max(1).default(0.5),
  TRAIN_THRESHOLD_WEEKS: z.coerce.number().int().min(1).max(52).default(4),
  TRAIN_DECAY_WEEKS: z.coerce.number().int().min(1).max(52).default(4),
  TRAIN_DECAY_NAIVE_RATIO: z.coerce.number().positive().default(1),
  TRAIN_DECAY_BACKTEST_RATIO: z.coerce.number().positive().default(2),
  TRAIN_HORIZON: z.coerce.number().int().min(1).max(52).default(13),
  TRAIN_HOLDOUT_WEEKS: z.coerce.number().int().min(1).max(104).default(8),
  TRAIN_PROMOTION_MARGIN: z.coerce.number().min(0).max(1).default(0),
  TRAIN_PYTHON: z.string().optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** Reads KEY=VALUE lines of a .env file; a missing file gives nothing. */
export function readDotEnv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    const value = line.slice(eq + 1).trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    // unquoted values may carry a trailing " # comment", as in .env.example
    out[line.slice(0, eq).trim()] = quoted ? quoted[2]! : value.replace(/(^|\s+)#.*$/, '').trim();
  }
  return out;
}
