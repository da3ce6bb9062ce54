/**
 * The registry as a library, for the CLI and scripts: ask for training,
 * promote or roll back, list and show versions. Promote and roll back are
 * decided against the registry folded from the log itself, read to its end
 * offsets (domain/registry/command-handler.ts), so a lagging or stopped
 * projector cannot make them record a wrong previous champion. Listings
 * come from the ClickHouse projection (fast, no consumer group join),
 * folded with the same registry fold.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { createClickhouse } from '../../lib/clickhouse/client.js';
import type { Config } from '../../lib/config.js';
import { NotFoundError } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import type { ModelPromoted, ModelTrained, PromotionKind, TrainingRequested, TrainingTrigger } from '../../schemas/types.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { readRegistry, readRequests } from '../../domain/registry/io/projection/read.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import type { RegistryCommand } from '../../domain/registry/commands.js';
import { runRegistryCommand } from '../../domain/registry/command-handler.js';
import { withRegistryView } from '../../domain/registry/io/view.js';
import { runMetrics, stageOf, summarize, type ModelSummary, type RegistryState, type RunMetrics, type Stage } from '../../domain/registry/state.js';
import { newRequest } from '../../domain/training/request.js';
import type { XgbParams } from '../run/xgboost.js';

export type { ModelSummary, Stage } from '../../domain/registry/state.js';

export interface TrainingRequestInput {
  /** Default 'manual'. */
  trigger?: TrainingTrigger;
  reason: string;
  requestedBy?: string;
  /** Last week (ISO) the run may use; default all data. */
  cutoffWeek?: string | null;
  params?: XgbParams | string | null;
}

export interface PromoteInput {
  /** Default 'manual'. */
  kind?: PromotionKind;
  reason: string;
  by: string;
  /** The champion this promotion replaces (null: none); default the champion read from the log. ConflictError when it is not. */
  expectedChampion?: number | null;
}

export interface RollbackInput {
  /** Default: the champion before the current one. */
  version?: number;
  reason: string;
  by: string;
  /** As in PromoteInput. */
  expectedChampion?: number | null;
}

export interface ModelDetail {
  version: number;
  stage: Stage;
  run: ModelTrained | null;
  metrics: RunMetrics;
  /** Every promotion of this version, oldest first. */
  promotions: ModelPromoted[];
}

export interface RegistryClient {
  requestTraining(input: TrainingRequestInput): Promise<TrainingRequested>;
  promoteVersion(version: number, input: PromoteInput): Promise<ModelPromoted>;
  /** Without a version: back to the champion before the current one. */
  rollback(input: RollbackInput): Promise<ModelPromoted>;
  /** Every version, newest first. */
  listModels(): Promise<ModelSummary[]>;
  showModel(version: number): Promise<ModelDetail>;
  /** The champion's line, or null before the first promotion. */
  champion(): Promise<ModelSummary | null>;
  /** The latest training requests, newest first (default 50). */
  requests(limit?: number): Promise<TrainingRequested[]>;
  state(): Promise<RegistryState>;
  close(): Promise<void>;
}

/** A client holding one ClickHouse client and, after the first write, one producer. Close it when done. */
export function openRegistryClient(cfg: Readonly<Config>): RegistryClient {
  const ch: ClickHouseClient = createClickhouse(cfg);
  const kafka: Kafka = createKafka(cfg, 'registry-api');
  let contracts: Promise<AvroCodec> | null = null;
  let publisher: Promise<EventPublisher> | null = null;
  const codec = () => (contracts ??= bootstrapContracts(cfg));
  const writer = () => (publisher ??= codec().then((c) => EventPublisher.connect(kafka, c, cfg.topics)));
  const state = () => readRegistry(ch, cfg.clickhouse.database);
  // commands read the log itself (a view for the command's length), never the projection
  const command = async (cmd: RegistryCommand) => {
    const pub = await writer();
    return withRegistryView(kafka, await codec(), cfg.topics, createLogger('registry-api'), (view) =>
      runRegistryCommand(cmd, { read: () => view.sync(), append: (e) => pub.modelPromoted(e) }),
    );
  };
  const expect = (e: number | null | undefined) => (e === undefined ? {} : { expectedChampion: e });
  return {
    async requestTraining(input) {
      const req = newRequest({ trigger: input.trigger ?? 'manual', reason: input.reason, requestedBy: input.requestedBy ?? 'api', cutoffWeek: input.cutoffWeek ?? null, params: input.params ?? null });
      await (await writer()).trainingRequested(req);
      return req;
    },
    promoteVersion: (version, input) =>
      command({ type: 'promote', version, kind: input.kind ?? 'manual', reason: input.reason, by: input.by, at: Date.now(), ...expect(input.expectedChampion) }),
    rollback: (input) =>
      command({ type: 'rollback', ...(input.version !== undefined ? { version: input.version } : {}), reason: input.reason, by: input.by, at: Date.now(), ...expect(input.expectedChampion) }),
    listModels: async () => summarize(await state()),
    async showModel(version) {
      const s = await state();
      const stage = stageOf(s, version);
      if (stage === null) throw new NotFoundError(`model version ${version}`);
      const run = s.versions.get(version) ?? null;
      return { version, stage, run, metrics: run ? runMetrics(run) : {}, promotions: s.promotions.filter((p) => p.version === version) };
    },
    async champion() {
      return summarize(await state()).find((m) => m.stage === 'champion') ?? null;
    },
    requests: (limit) => readRequests(ch, cfg.clickhouse.database, limit),
    state,
    async close() {
      if (publisher) await (await publisher.catch(() => null))?.disconnect();
      await ch.close();
    },
  };
}

/** Publishes a training request (default trigger 'manual'); one-shot convenience over openRegistryClient. */
export async function requestTraining(cfg: Readonly<Config>, input: TrainingRequestInput): Promise<TrainingRequested> {
  return withClient(cfg, (c) => c.requestTraining(input));
}

/** Promotes a version (default kind 'manual'); throws ValidationError / NotFoundError / ConflictError when it cannot be. */
export async function promoteVersion(cfg: Readonly<Config>, version: number, input: PromoteInput): Promise<ModelPromoted> {
  return withClient(cfg, (c) => c.promoteVersion(version, input));
}

/** Rolls back to `version`, or to the previous champion when omitted. */
export async function rollback(cfg: Readonly<Config>, input: RollbackInput): Promise<ModelPromoted> {
  return withClient(cfg, (c) => c.rollback(input));
}

/** Every version with stage and headline WAPEs, newest first. */
export async function listModels(cfg: Readonly<Config>): Promise<ModelSummary[]> {
  return withClient(cfg, (c) => c.listModels());
}

/** One version in full; NotFoundError when unknown. */
export async function showModel(cfg: Readonly<Config>, version: number): Promise<ModelDetail> {
  return withClient(cfg, (c) => c.showModel(version));
}

async function withClient<T>(cfg: Readonly<Config>, fn: (c: RegistryClient) => Promise<T>): Promise<T> {
  const c = openRegistryClient(cfg);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
