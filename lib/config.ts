import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { parseKafkaSecurity, type KafkaSecurity } from './kafka/security.js';
import { EnvSchema, readDotEnv, type Env } from './config-env.js';

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
  const cfg: Config = {
    root,
    stackDir,
    installDir,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT === 'auto' ? (process.stderr.isTTY ? 'text' : 'json') : e.LOG_FORMAT,
    kafka: kafkaSection(e, root),
    registry: {
      url: e.REGISTRY_URL ?? `http://127.0.0.1:${e.REGISTRY_PORT}/apis/ccompat/v7`,
      port: e.REGISTRY_PORT,
      heapMb: e.REGISTRY_HEAP_MB,
    },
    clickhouse: clickhouseSection(e),
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
    gateway: gatewaySection(e),
    trainer: trainerSection(e, installDir),
  };
  return deepFreeze(cfg);
}

function kafkaSection(e: Env, root: string): Config['kafka'] {
  const localBrokers = Array.from({ length: e.KAFKA_NODES }, (_, i) => `127.0.0.1:${e.KAFKA_PORT + NODE_PORT_STEP * i}`).join(',');
  const brokers = (e.KAFKA_BROKERS ?? localBrokers).split(',').map((s) => s.trim()).filter(Boolean);
  // replication follows the local cluster size (3 copies, 2 in sync) unless set; an external cluster sets both
  const replicationFactor = e.KAFKA_REPLICATION_FACTOR ?? Math.min(3, e.KAFKA_NODES);
  const minInsyncReplicas = e.KAFKA_MIN_INSYNC_REPLICAS ?? Math.max(1, replicationFactor - 1);
  if (minInsyncReplicas > replicationFactor) {
    throw new ConfigError(`invalid configuration:\n  KAFKA_MIN_INSYNC_REPLICAS: ${minInsyncReplicas} is more than the replication factor ${replicationFactor}`);
  }
  return {
    brokers,
    port: e.KAFKA_PORT,
    controllerPort: e.KAFKA_CONTROLLER_PORT,
    heapMb: e.KAFKA_HEAP_MB,
    salesPartitions: e.SALES_PARTITIONS,
    nodes: e.KAFKA_NODES,
    replicationFactor,
    minInsyncReplicas,
    security: parseKafkaSecurity(e, root),
  };
}

function clickhouseSection(e: Env): Config['clickhouse'] {
  return {
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
  };
}

function gatewaySection(e: Env): Config['gateway'] {
  return {
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
  };
}

function trainerSection(e: Env, installDir: string): Config['trainer'] {
  return {
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
  };
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
