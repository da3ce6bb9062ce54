import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { KafkaSecurityEnv, parseKafkaSecurity, type KafkaSecurity } from './kafka/security.js';

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
const EnvSchema = z.object({
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

/** Port distance between the local Kafka nodes of a cluster (node i: KAFKA_PORT + 10*i, KAFKA_CONTROLLER_PORT + 10*i). */
export const NODE_PORT_STEP = 10;

/** The cluster name the local shard servers define in remote_servers (CLICKHOUSE_SHARDS > 1). */
export const LOCAL_CLICKHOUSE_CLUSTER = 'forecast_cluster';

export interface Topics {
  sales: string;
  trainingRequests: string;
  modelTrained: string;
  modelPromoted: string;
  modelArtifacts: string;
  deadLetter: string;
  backtestRequests: string;
  backtestResults: string;
  /** Trainer progress lines across processes (telemetry, not a domain fact: JSON values, short retention). */
  trainingLog: string;
  /** Pauses and resumptions of the training schedule. */
  trainingSchedule: string;
  /** Tags and descriptions of model versions. */
  modelAnnotations: string;
  /** Named aliases of model versions besides the champion. */
  modelAliases: string;
  /** The champion's forecasts per series (h = 1..H from its last week), republished on each promotion and new week. */
  forecastPublished: string;
  /** The continuous simulator's pace: seconds per simulated week, paused or resumed (the latest event decides). */
  simulationPace: string;
}

export interface Config {
  root: string;
  /** data, logs and pid files of this stack instance */
  stackDir: string;
  /** where the installed Kafka jars, Apicurio and the Python venv live (default: stackDir); read-only for an instance */
  installDir: string;
  logLevel: Env['LOG_LEVEL'];
  /** `auto` resolved: text when stderr is a terminal, else JSON */
  logFormat: 'json' | 'text';
  kafka: {
    brokers: string[];
    port: number;
    controllerPort: number;
    heapMb: number;
    salesPartitions: number;
    /** local KRaft nodes (combined broker+controller); node i listens on port + 10*i and controllerPort + 10*i */
    nodes: number;
    /** replication factor of every topic, the offsets and the transaction-state topics */
    replicationFactor: number;
    minInsyncReplicas: number;
    /** TLS and SASL of every Kafka client (KAFKA_SECURITY_PROTOCOL...; PLAINTEXT by default) */
    security: KafkaSecurity;
  };
  registry: { url: string; port: number; heapMb: number };
  clickhouse: {
    url: string;
    httpPort: number;
    tcpPort: number;
    database: string;
    user: string;
    password: string;
    /** CLICKHOUSE_CLUSTER: tables are created ON CLUSTER as Replicated*MergeTree plus a Distributed table (docs/SCALING.md); null = one server */
    cluster: string | null;
    /** local ClickHouse servers: 1 = the single server; N > 1 = shard servers on httpPort/tcpPort + 10*i (i = 1..N) and ZooKeeper, the cluster `LOCAL_CLICKHOUSE_CLUSTER` */
    shards: number;
    zookeeperPort: number;
  };
  topics: Topics;
  materializer: { groupId: string; batchRows: number; batchMs: number };
  /** A projector process that is behind and has not committed for `stallS` seconds exits so that its supervisor restarts it (0 = never). */
  watchdog: { stallS: number };
  simulator: { seed: number; stores: number; depts: number; startWeek: string; weeks: number; rate: number };
  gateway: {
    host: string;
    port: number;
    /** GATEWAY_TOKEN, or a random one generated at start when it is unset (`tokenGenerated`) */
    token: string;
    tokenGenerated: boolean;
    /** Host names the gateway answers to besides loopback and GATEWAY_HOST (GATEWAY_ALLOWED_HOSTS; `*` = any) */
    allowedHosts: string[];
    openReads: boolean;
    maxBatch: number;
    /** Origins besides the gateway's own that may open the Socket.IO stream (e.g. the Vite dev server). */
    allowedOrigins: string[];
    /** Per-client limit on POST /v1/predict: requests per second (0 = off) and the burst allowed above it. */
    predictRate: { perSecond: number; burst: number };
    accessLog: boolean;
    /** Whether this replica computes and publishes forecast.published (every replica caches it either way). */
    publishForecasts: boolean;
    /** GET /v1/forecasts streams at once at most this many (each holds a ClickHouse connection of 8); more get 503 EXPORT_BUSY. */
    exportConcurrency: number;
    /** Restart snapshots of the online state (gateway/state/snapshot.ts): loaded at start and written every `everyS` seconds (0 = only at shutdown) when `enabled`; the newest `keep` are kept. */
    snapshots: { enabled: boolean; everyS: number; keep: number };
  };
  /** where model.trained and model.promoted are POSTed (signed with `secret` when set) */
  webhooks: { urls: string[]; secret: string; maxAttempts: number };
  /** /metrics ports of the processes other than the gateway (0 = not served) */
  metrics: { host: string; materializerPort: number; projectorPort: number; trainerPort: number };
  trainer: {
    cron: string;
    /** times a failed run's requests are asked again (TRAIN_RETRIES), the first after retryBackoffMs, doubling */
    retries: number;
    retryBackoffMs: number;
    thresholdFraction: number;
    /** weeks of new data a series needs before it counts towards the threshold (TRAIN_THRESHOLD_WEEKS) */
    thresholdWeeks: number;
    /** accuracy decay: trailing scored weeks (TRAIN_DECAY_WEEKS), live WMAE ratios to seasonal naive (TRAIN_DECAY_NAIVE_RATIO) and to the backtest (TRAIN_DECAY_BACKTEST_RATIO) that ask for a retraining */
    decay: { weeks: number; naiveRatio: number; backtestFactor: number };
    horizon: number;
    holdoutWeeks: number;
    promotionMargin: number;
    python: string;
  };
}

/** Topic names, optionally prefixed (tests use a unique prefix per run). */
export function topicNames(prefix = ''): Topics {
  return {
    sales: `${prefix}sales.weekly`,
    trainingRequests: `${prefix}training.requests`,
    modelTrained: `${prefix}model.trained`,
    modelPromoted: `${prefix}model.promoted`,
    modelArtifacts: `${prefix}model.artifacts`,
    deadLetter: `${prefix}sales.weekly.dlq`,
    backtestRequests: `${prefix}backtest.requests`,
    backtestResults: `${prefix}backtest.results`,
    trainingLog: `${prefix}training.log`,
    trainingSchedule: `${prefix}training.schedule`,
    modelAnnotations: `${prefix}model.annotations`,
    modelAliases: `${prefix}model.aliases`,
    forecastPublished: `${prefix}forecast.published`,
    simulationPace: `${prefix}simulation.pace`,
  };
}

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

/**
 * Parses the configuration once: `.env` in `root` under the process
 * environment (the environment wins). Throws ConfigError naming each bad
 * variable. The result is frozen; nothing below main reads process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Readonly<Config> {
  const merged: Record<string, string | undefined> = { ...readDotEnv(resolve(root, '.env')) };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  const parsed = EnvSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return fromEnv(parsed.data, root);
}

function fromEnv(e: Env, root: string): Readonly<Config> {
  const stackDir = resolve(root, e.STACK_DIR);
  const installDir = resolve(root, e.STACK_INSTALL_DIR ?? e.STACK_DIR);
  const localBrokers = Array.from({ length: e.KAFKA_NODES }, (_, i) => `127.0.0.1:${e.KAFKA_PORT + NODE_PORT_STEP * i}`).join(',');
  const brokers = (e.KAFKA_BROKERS ?? localBrokers).split(',').map((s) => s.trim()).filter(Boolean);
  // replication follows the local cluster size (3 copies, 2 in sync) unless set; an external cluster sets both
  const replicationFactor = e.KAFKA_REPLICATION_FACTOR ?? Math.min(3, e.KAFKA_NODES);
  const minInsyncReplicas = e.KAFKA_MIN_INSYNC_REPLICAS ?? Math.max(1, replicationFactor - 1);
  if (minInsyncReplicas > replicationFactor) {
    throw new ConfigError(`invalid configuration:\n  KAFKA_MIN_INSYNC_REPLICAS: ${minInsyncReplicas} is more than the replication factor ${replicationFactor}`);
  }
  const cfg: Config = {
    root,
    stackDir,
    installDir,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT === 'auto' ? (process.stderr.isTTY ? 'text' : 'json') : e.LOG_FORMAT,
    kafka: {
      brokers,
      port: e.KAFKA_PORT,
      controllerPort: e.KAFKA_CONTROLLER_PORT,
      heapMb: e.KAFKA_HEAP_MB,
      salesPartitions: e.SALES_PARTITIONS,
      nodes: e.KAFKA_NODES,
      replicationFactor,
      minInsyncReplicas,
      security: parseKafkaSecurity(e, root),
    },
    registry: {
      url: e.REGISTRY_URL ?? `http://127.0.0.1:${e.REGISTRY_PORT}/apis/ccompat/v7`,
      port: e.REGISTRY_PORT,
      heapMb: e.REGISTRY_HEAP_MB,
    },
    clickhouse: {
      // a local cluster is reached through its first shard server (any node serves the Distributed tables)
      url: e.CLICKHOUSE_URL ?? `http://127.0.0.1:${e.CLICKHOUSE_SHARDS > 1 ? e.CLICKHOUSE_HTTP_PORT + NODE_PORT_STEP : e.CLICKHOUSE_HTTP_PORT}`,
      httpPort: e.CLICKHOUSE_HTTP_PORT,
      tcpPort: e.CLICKHOUSE_TCP_PORT,
      database: e.CLICKHOUSE_DATABASE,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      cluster: e.CLICKHOUSE_CLUSTER ?? (e.CLICKHOUSE_SHARDS > 1 ? LOCAL_CLICKHOUSE_CLUSTER : null),
      shards: e.CLICKHOUSE_SHARDS,
      zookeeperPort: e.ZOOKEEPER_PORT,
    },
    topics: topicNames(e.TOPIC_PREFIX),
    materializer: { groupId: e.MATERIALIZER_GROUP, batchRows: e.MATERIALIZER_BATCH_ROWS, batchMs: e.MATERIALIZER_BATCH_MS },
    watchdog: { stallS: e.CONSUMER_STALL_S },
    simulator: {
      seed: e.SIM_SEED,
      stores: e.SIM_STORES,
      depts: e.SIM_DEPTS,
      startWeek: e.SIM_START_WEEK,
      weeks: e.SIM_WEEKS,
      rate: e.SIM_RATE,
    },
    webhooks: { urls: parseUrls(e.WEBHOOK_URLS), secret: e.WEBHOOK_SECRET, maxAttempts: e.WEBHOOK_MAX_ATTEMPTS },
    metrics: { host: e.METRICS_HOST, materializerPort: e.MATERIALIZER_METRICS_PORT, projectorPort: e.PROJECTOR_METRICS_PORT, trainerPort: e.TRAINER_METRICS_PORT },
    gateway: {
      host: e.GATEWAY_HOST,
      port: e.GATEWAY_PORT,
      token: e.GATEWAY_TOKEN || randomBytes(24).toString('hex'),
      tokenGenerated: !e.GATEWAY_TOKEN,
      allowedHosts: e.GATEWAY_ALLOWED_HOSTS,
      openReads: e.GATEWAY_OPEN_READS,
      maxBatch: e.GATEWAY_MAX_BATCH,
      allowedOrigins: e.GATEWAY_ALLOWED_ORIGINS,
      predictRate: { perSecond: e.GATEWAY_PREDICT_RATE, burst: e.GATEWAY_PREDICT_BURST ?? Math.max(1, Math.ceil(e.GATEWAY_PREDICT_RATE)) },
      accessLog: e.GATEWAY_ACCESS_LOG,
      publishForecasts: e.GATEWAY_PUBLISH_FORECASTS,
      exportConcurrency: e.GATEWAY_EXPORT_CONCURRENCY,
      snapshots: { enabled: e.GATEWAY_SNAPSHOTS, everyS: e.GATEWAY_SNAPSHOT_EVERY_S, keep: e.GATEWAY_SNAPSHOT_KEEP },
    },
    trainer: {
      cron: e.TRAIN_CRON,
      retries: e.TRAIN_RETRIES,
      retryBackoffMs: e.TRAIN_RETRY_BACKOFF_MS,
      thresholdFraction: e.TRAIN_THRESHOLD_FRACTION,
      thresholdWeeks: e.TRAIN_THRESHOLD_WEEKS,
      decay: { weeks: e.TRAIN_DECAY_WEEKS, naiveRatio: e.TRAIN_DECAY_NAIVE_RATIO, backtestFactor: e.TRAIN_DECAY_BACKTEST_RATIO },
      horizon: e.TRAIN_HORIZON,
      holdoutWeeks: e.TRAIN_HOLDOUT_WEEKS,
      promotionMargin: e.TRAIN_PROMOTION_MARGIN,
      python: e.TRAIN_PYTHON ?? resolve(installDir, 'venv/bin/python'),
    },
  };
  return deepFreeze(cfg);
}

/** A copy of a config with some parts replaced (tests: unique topics, database). */
export function withOverrides(cfg: Readonly<Config>, patch: (draft: Config) => void): Readonly<Config> {
  const draft = structuredClone(cfg) as Config;
  patch(draft);
  return deepFreeze(draft);
}

function deepFreeze<T>(obj: T): T {
  for (const v of Object.values(obj as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(obj);
}

/** WEBHOOK_URLS: comma-separated http(s) URLs; throws ConfigError naming the bad one. */
function parseUrls(list: string): string[] {
  const urls = list.split(',').map((s) => s.trim()).filter(Boolean);
  const isHttp = (u: string) => {
    try {
      return ['http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  };
  for (const u of urls) {
    if (!isHttp(u)) throw new ConfigError(`WEBHOOK_URLS: expected comma-separated http(s) URLs, got "${u}"`);
  }
  return urls;
}
