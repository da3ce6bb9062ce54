import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import type { Config } from '../../lib/config.js';
import { injectNextWeek } from '../../domain/simulation/io/next-week.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import type { ScheduleChanged, ModelAliasChanged, ModelPromoted, SimulationPaceChanged } from '../../schemas/types.js';
import { PacePublisher } from '../../domain/simulation/io/pace-publisher.js';
import { paceEvent, type PaceCommand } from '../../domain/simulation/pace.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import type { RegistryCommand } from '../../domain/registry/commands.js';
import { runAliasCommand, runAnnotationCommand, runRegistryCommand, type AnnotationLog } from '../../domain/registry/command-handler.js';
import type { AliasCommand } from '../../domain/registry/aliases.js';
import type { AnnotateCommand, Annotations } from '../../domain/registry/annotations.js';
import type { RegistryState } from '../../domain/registry/state.js';
import { DEFAULT_TRAIN_PARAMS, newRequest } from '../../domain/training/request.js';
import { scheduleEvent } from '../../domain/training/schedule.js';
import { parseRequest, type RawRequest } from '../../domain/backtest/request.js';
import { unscorableProblems } from '../../domain/backtest/scorable.js';
import { UnprocessableError } from '../../lib/errors.js';
import { newBacktestId } from '../../domain/backtest/events.js';
import { BacktestPublisher } from '../../domain/backtest/io/publisher.js';
import { catchUpProjection } from '../../domain/backtest/io/projection/catch-up.js';
import { createLogger, type Logger } from '../../lib/log.js';
import type { XgbParams } from '../../domain/training/params.js';

/** The write operations the dashboard and scripts call; each one is an event on the log. */
export interface Operations {
  /** The simulator's "next week" step (the same function as `npm run simulate -- next-week`). */
  nextWeek(): Promise<{ week: string; events: number }>;
  /** A manual training request on training.requests. */
  requestTraining(input: { reason?: string; cutoffWeek?: string; params?: XgbParams; by: string }): Promise<{ requestId: string; topic: string }>;
  /** A promotion (kind manual) of an existing version; ConflictError when the champion is not `expectedChampion` (default: the one just read). */
  promote(input: { version: number; reason?: string; by: string; expectedChampion?: number | null }): Promise<ModelPromoted>;
  /** A rollback: a promotion back to `version`, or to the previous champion; ConflictError as for promote. */
  rollback(input: { version?: number; reason?: string; by: string; expectedChampion?: number | null }): Promise<ModelPromoted>;
  /** Points an alias at a version, or removes it (a model.aliases event); ConflictError when it does not name `expectedVersion`. */
  alias(cmd: AliasCommand): Promise<ModelAliasChanged>;
  /** Edits a version's tags and description (a model.annotations event); resolves with what the version carries then. */
  annotate(cmd: AnnotateCommand): Promise<Annotations>;
  /** A backtest queued for the trainer (a backtest.requests event with runner "trainer"); ValidationError naming the field. */
  requestBacktest(input: RawRequest & { by: string }): Promise<{ backtestId: string; topic: string }>;
  /** Pauses or resumes the training schedule (a training.schedule event). */
  setSchedule(input: { action: 'paused' | 'resumed'; reason?: string; by: string }): Promise<ScheduleChanged>;
  /** Sets the simulator's pace, or pauses or resumes it (a simulation.pace event); UnprocessableError naming secondsPerWeek. */
  setPace(cmd: PaceCommand): Promise<SimulationPaceChanged>;
  close(): Promise<void>;
}

interface OperationsDeps {
  cfg: Readonly<Config>;
  kafka: Kafka;
  codec: AvroCodec;
  /** The registry folded up to the model topics' end offsets as of the call. */
  registryAtEnd: () => Promise<RegistryState>;
  /** The latest week of the sales log as the gateway's online state holds it, read to the log's end. */
  latestWeek: () => Promise<string | null>;
}

/**
 * Operations over the shared producers. Producers connect on first use, so
 * a read-only gateway never opens one. Promotions run the registry's
 * command handler against the gateway's own fold of the model log, read to
 * the log's end offsets before deciding and again after appending.
 */
export function createOperations(deps: OperationsDeps): Operations {
  const { cfg } = deps;
  const log = createLogger('gateway').child('backtests');
  const producers = lazyProducers(deps);
  const { events } = producers;

  const command = async (cmd: RegistryCommand) => {
    const pub = await events();
    return runRegistryCommand(cmd, { read: deps.registryAtEnd, append: (e) => pub.modelPromoted(e) });
  };
  const expect = (e: number | null | undefined) => (e === undefined ? {} : { expectedChampion: e });
  const annotationLog = async (): Promise<AnnotationLog> => {
    const pub = await events();
    return { read: deps.registryAtEnd, appendAlias: (e) => pub.modelAliasChanged(e), appendAnnotation: (e) => pub.modelAnnotated(e) };
  };

  return {
    async nextWeek() {
      const s = cfg.simulator;
      return injectNextWeek({
        producer: await producers.salesProducer(),
        latestWeek: deps.latestWeek,
        sim: { seed: s.seed, stores: s.stores, depts: s.depts, startWeek: s.startWeek },
        source: 'next-week:gateway',
      });
    },
    async requestTraining({ reason, cutoffWeek, params, by }) {
      const r = newRequest({ trigger: 'manual', reason: reason ?? 'requested from the gateway', cutoffWeek: cutoffWeek ?? null, params: params ?? null, requestedBy: by });
      await (await events()).trainingRequested(r);
      return { requestId: r.requestId, topic: cfg.topics.trainingRequests };
    },
    promote: ({ version, reason, by, expectedChampion }) =>
      command({ type: 'promote', version, kind: 'manual', reason: reason ?? 'promoted by hand from the gateway', by, at: Date.now(), ...expect(expectedChampion) }),
    rollback: ({ version, reason, by, expectedChampion }) =>
      command({ type: 'rollback', ...(version !== undefined ? { version } : {}), reason: reason ?? 'rolled back from the gateway', by, at: Date.now(), ...expect(expectedChampion) }),
    alias: async (cmd) => runAliasCommand(cmd, await annotationLog()),
    annotate: async (cmd) => runAnnotationCommand(cmd, await annotationLog()),
    requestBacktest: (input) => requestBacktest(input, { cfg, latestWeek: deps.latestWeek, publisher: producers.backtestEvents, log }),
    async setSchedule({ action, reason, by }) {
      const e = scheduleEvent({ action, ...(reason === undefined ? {} : { reason }), by, at: Date.now() });
      await (await events()).scheduleChanged(e);
      return e;
    },
    async setPace(cmd) {
      // checked before a producer connects: a refused change opens nothing
      const e = paceEvent(cmd);
      await (await producers.paceEvents()).paceChanged(e);
      return e;
    },
    close: producers.close,
  };
}

/** The producers the operations write with, each connected on first use; a failed connect is tried again on the next call. */
function lazyProducers(deps: Pick<OperationsDeps, 'cfg' | 'kafka' | 'codec'>) {
  const { cfg } = deps;
  let sales: Promise<SalesProducer> | null = null;
  let publisher: Promise<EventPublisher> | null = null;
  let backtests: Promise<BacktestPublisher> | null = null;
  let pace: Promise<PacePublisher> | null = null;
  const connectSales = () => (sales = SalesProducer.connect(deps.kafka, deps.codec, cfg).catch((err: unknown) => ((sales = null), Promise.reject(err))));
  return {
    // a producer whose worker thread is gone (it crashed) is replaced by a new one
    async salesProducer() {
      const p = await (sales ?? connectSales());
      return p.usable ? p : connectSales();
    },
    paceEvents: () => (pace ??= PacePublisher.connect(deps.kafka, deps.codec, cfg.topics.simulationPace).catch((err: unknown) => ((pace = null), Promise.reject(err)))),
    backtestEvents: () =>
      (backtests ??= BacktestPublisher.connect(deps.kafka, deps.codec, cfg.topics).catch((err: unknown) => ((backtests = null), Promise.reject(err)))),
    events: () => (publisher ??= EventPublisher.connect(deps.kafka, deps.codec, cfg.topics).catch((err: unknown) => ((publisher = null), Promise.reject(err)))),
    async close() {
      const settled = await Promise.allSettled([sales, publisher, backtests, pace]);
      await Promise.allSettled(settled.map((r) => (r.status === 'fulfilled' && r.value ? r.value.disconnect() : undefined)));
    },
  };
}

/** Checks a backtest request (ValidationError naming the field, UnprocessableError for cut-offs past the last scorable one), queues it for the trainer and waits until it is listed. */
async function requestBacktest(
  { by, ...raw }: RawRequest & { by: string },
  deps: { cfg: Readonly<Config>; latestWeek: () => Promise<string | null>; publisher: () => Promise<BacktestPublisher>; log: Logger },
): Promise<{ backtestId: string; topic: string }> {
  const { cfg } = deps;
  const req = parseRequest({ ...raw, requestedBy: by, reason: raw.reason ?? 'backtest from the gateway' }, cfg.trainer.horizon);
  // refused before it is queued: cut-offs past the last scorable one would leave the report partly blank
  const unscorable = unscorableProblems(req.cutoffs, req.horizon, req.cutoffs.kind === 'range' ? await deps.latestWeek() : null);
  if (unscorable.length > 0) throw UnprocessableError.of(unscorable);
  const backtestId = newBacktestId();
  const c = req.cutoffs;
  await (await deps.publisher()).requested({
    backtestId,
    cutoffCount: c.kind === 'last' ? c.count : null,
    fromWeek: c.kind === 'range' ? c.from : null,
    toWeek: c.kind === 'range' ? c.to : null,
    horizon: req.horizon,
    refitEvery: req.refitEvery,
    params: JSON.stringify({ ...DEFAULT_TRAIN_PARAMS, ...req.params }),
    series: req.series,
    salesTopic: cfg.topics.sales,
    // the trainer reads the end offsets when it starts, and records them in the request it writes then
    topicOffsets: '{}',
    reason: req.reason,
    requestedBy: req.requestedBy,
    requestedAt: Date.now(),
    runner: 'trainer',
  });
  // listed at once (status requested), so GET /v1/backtests/:id answers for what was just created
  await catchUpProjection(cfg, deps.log);
  return { backtestId, topic: cfg.topics.backtestRequests };
}
