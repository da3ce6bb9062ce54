import { EventEmitter } from 'node:events';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import type { Config } from '../../lib/config.js';
import type { Logger } from '../../lib/log.js';
import { championOf } from '../../domain/registry/state.js';
import type { ModelHolder } from '../model/holder.js';
import type { GatewayMetrics } from '../metrics.js';
import type { Readiness } from '../readiness.js';
import type { Follower } from '../state/follower.js';
import type { SeriesStore } from '../state/series-store.js';
import { runOfRequest, type GatewayRegistry } from '../state/registry-fold.js';
import { listVersions } from '../routes/models.js';
import type { LiveAccuracy } from '../../domain/live/accuracy.js';
import { Columns, percentile } from './columns.js';
import { DependencyProbe } from './probe.js';
import { every, type Periodic } from '../../lib/process/periodic.js';
import { readSupervision } from '../../lib/process/supervision.js';
import { STATUS_KEYS, type Component, type ModelState, type ModelsMessage, type PaceStatus, type Snapshot, type StatusKey, type Tick, type Totals, type TrainingLine, type DecayPoint } from '../../domain/live/protocol.js';
import { addDecayPoint } from '../../domain/live/decay-points.js';

const TRAINING_LINES = 400;
const LATENCY_ROUTES = new Set(['/v1/predict', '/v1/forecast']);

export interface StatusDeps {
  cfg: Readonly<Config>;
  admin: Admin;
  ch: ClickHouseClient;
  store: SeriesStore;
  holder: ModelHolder;
  registry: () => GatewayRegistry;
  accuracy: LiveAccuracy;
  follower: () => Follower | null;
  readiness: Readiness;
  metrics: GatewayMetrics;
  log: Logger;
  /** Tick period in ms (default 1000). */
  tickMs?: number;
  /** The simulator's pace as the gateway folds it from simulation.pace. */
  pace: () => PaceStatus;
}

/**
 * The live status the dashboard shows, aggregated here once per tick:
 * events/s per topic (from end offsets, so it is the system's rate, not this
 * replica's), consumer lag, ClickHouse rows, latest week, predict latency,
 * components' health. Emits `tick`, `models`, `accuracy` and `training`.
 */
export class LiveStatus extends EventEmitter {
  private readonly columns = new Columns<StatusKey>(STATUS_KEYS);
  private readonly training: TrainingLine[] = [];
  /** The last line a trainer said about its triggers waiting for the data (null before any). */
  private triggerLine: TrainingLine | null = null;
  /** The last window the decay trigger measured (one line per new week of live accuracy; null before any). */
  private decayLine: TrainingLine | null = null;
  /** The decay windows measured (the dashboard's decay chart), kept apart from the capped log so they outlive its lines. */
  private decayPoints: DecayPoint[] = [];
  private latencies: number[] = [];
  private requestsInWindow = 0;
  private predictions = 0;
  private lastTick = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private refresher: Periodic | null = null;
  private debounce = new Map<string, NodeJS.Timeout>();
  private lastFailure: ModelState['lastFailure'] = null;

  /** End offsets, rates, lags, row count and the dependencies' health, refreshed off the hot path. */
  private readonly probe: DependencyProbe;

  constructor(private readonly deps: StatusDeps) {
    super();
    this.probe = new DependencyProbe(deps);
  }

  /** Starts the tick and refresh loops. */
  start(): void {
    const tickMs = this.deps.tickMs ?? 1000;
    this.timers.push(setInterval(() => this.tick(), tickMs));
    this.refresher = every(2000, () => this.probe.refresh(), { now: true });
    for (const t of this.timers) t.unref();
  }

  /** Stops the loops; resolves once no refresh is running (its admin and ClickHouse calls can then be closed). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const t of this.debounce.values()) clearTimeout(t);
    this.timers = [];
    await this.refresher?.stop();
    this.refresher = null;
  }

  /** Request latency sink (from the timing middleware). */
  recordLatency(route: string, ms: number): void {
    if (!LATENCY_ROUTES.has(route)) return;
    this.requestsInWindow++;
    // bounded sample: at most 4,000 per tick is plenty for a p99
    if (this.latencies.length < 4000) this.latencies.push(ms);
  }

  /** A load of this gateway failed (shown beside the served model until a later load succeeds). */
  loadFailed(version: number, reason: string): void {
    this.lastFailure = { version, reason, at: Date.now() };
  }

  loadSucceeded(version: number): void {
    if (this.lastFailure && this.lastFailure.version <= version) this.lastFailure = null;
  }

  countPredictions(n: number): void {
    this.predictions += n;
  }

  /** Adds a line to the training log and pushes it to clients. */
  trainingLine(line: TrainingLine): void {
    if (line.kind === 'trigger') this.triggerLine = line;
    if (line.kind === 'decay') this.decayLine = line;
    if (line.decay) this.decayPoints = addDecayPoint(this.decayPoints, line.decay);
    this.training.push(line);
    if (this.training.length > TRAINING_LINES) this.training.splice(0, this.training.length - TRAINING_LINES);
    this.emit('training', line);
  }

  /** The model log changed: push the new list soon (bursts collapse to one message). */
  registryChanged(): void {
    const champion = championOf(this.deps.registry().registry);
    if (champion) this.deps.metrics.championPromotedAt.set(champion.promotedAt / 1000);
    this.later('models', 150, () => this.emit('models', this.modelsMessage()));
  }

  accuracyChanged(): void {
    this.later('accuracy', 500, () => {
      const a = this.deps.accuracy.columns();
      for (const o of a.overall) if (o.wape !== null) this.deps.metrics.liveWape.set({ model_version: this.deps.metrics.versionLabel(o.version) }, o.wape);
      const naive = this.deps.accuracy.baselineWape();
      if (naive !== null) this.deps.metrics.liveBaselineWape.set({ baseline: 'seasonal_naive' }, naive);
      this.emit('accuracy', a);
    });
  }

  /** Everything a freshly connected dashboard needs. */
  snapshot(): Snapshot {
    return {
      at: Date.now(),
      columns: this.columns.toJSON(),
      totals: this.totals(),
      components: this.components(),
      model: this.modelState(),
      accuracy: this.deps.accuracy.columns(),
      models: this.modelsMessage(),
      training: [...this.training],
      decay: [...this.decayPoints],
      pace: this.deps.pace(),
      writesNeedToken: true,
    };
  }

  modelsMessage(): ModelsMessage {
    const st = this.deps.registry();
    const answered = runOfRequest(st);
    return {
      champion: championOf(st.registry)?.version ?? null,
      models: listVersions(st.registry),
      requests: [...st.requests]
        .slice(-50)
        .reverse()
        .map((r) => ({ requestId: r.requestId, trigger: r.trigger, reason: r.reason, requestedBy: r.requestedBy, requestedAt: Number(r.requestedAt), runId: answered.get(r.requestId) ?? null })),
    };
  }

  private later(key: string, ms: number, fn: () => void): void {
    if (this.debounce.has(key)) return;
    const t = setTimeout(() => {
      this.debounce.delete(key);
      fn();
    }, ms);
    t.unref();
    this.debounce.set(key, t);
  }

  /** Dependencies (from the last refresh) plus this gateway's state and model, read now. */
  private components(): Component[] {
    const f = this.deps.follower();
    const cur = this.deps.holder.current;
    const m = this.modelState();
    const lag = f ? Object.values(f.lag()).reduce((a, b) => a + b, 0) : null;
    return [
      ...this.probe.dependencies,
      f?.isCaughtUp()
        ? { name: 'gateway state', ok: true, detail: `${this.deps.store.size} series, caught up${lag ? ` (${lag} behind)` : ''}` }
        : { name: 'gateway state', ok: false, detail: 'replaying the log into the online feature state' },
      { name: 'model', ok: cur !== null && m.lastFailure === null ? true : cur !== null ? null : false, detail: m.lastFailure ? `${m.detail}; v${m.lastFailure.version} failed to load` : m.detail },
      // the trainer's last word on its triggers' data gate (relayed on training.log): yellow while a trigger waits for a backfill or a replay
      ...(this.triggerLine ? [{ name: 'training triggers', ok: this.triggerLine.level === 'warn' ? null : true, detail: this.triggerLine.text }] : []),
      // red while the champion's live accuracy is past a decay threshold (a retraining was asked for)
      ...(this.decayLine ? [{ name: 'accuracy decay', ok: this.decayLine.level !== 'warn', detail: this.decayLine.text }] : []),
      ...supervisedComponents(this.deps.cfg.stackDir),
    ];
  }

  private modelState(): ModelState {
    const { holder } = this.deps;
    const cur = holder.current;
    const s = holder.status;
    const champion = championOf(this.deps.registry().registry)?.version ?? null;
    const detail =
      s.state === 'failed'
        ? `v${s.version} failed to load: ${s.reason}`
        : s.state === 'loading'
          ? `loading v${s.version}`
          : s.state === 'none'
            ? s.reason
            : `serving v${s.version}${s.ms > 0 ? ` (loaded in ${Math.round(s.ms)} ms)` : ''}`;
    return { serving: cur?.version ?? null, servingSince: cur?.loadedAt ?? null, champion, state: s.state, detail, lastFailure: this.lastFailure };
  }

  private totals(): Totals {
    const byTopic = this.probe.ends?.byTopic ?? {};
    return {
      rows: this.probe.rowCount,
      series: this.deps.store.size,
      firstWeek: this.deps.store.firstWeek,
      latestWeek: this.deps.store.latestWeek,
      deadLetters: byTopic[this.deps.cfg.topics.deadLetter] ?? null,
      topicEnds: byTopic,
      predictions: this.predictions,
    };
  }

  private tick(): void {
    const now = Date.now();
    const dt = Math.max(0.001, (now - this.lastTick) / 1000);
    this.lastTick = now;
    const f = this.deps.follower();
    const gwLag = f ? Object.values(f.lag()).reduce((a, b) => a + b, 0) : null;
    const values: Record<StatusKey, number | null> = {
      sales: this.probe.rates.sales ?? null,
      requests: this.probe.rates.requests ?? null,
      trained: this.probe.rates.trained ?? null,
      promoted: this.probe.rates.promoted ?? null,
      dead: this.probe.rates.dead ?? null,
      matLag: this.probe.matLag,
      gwLag,
      rows: this.probe.rowCount,
      p50: round(percentile(this.latencies, 0.5)),
      p99: round(percentile(this.latencies, 0.99)),
      rps: Math.round(this.requestsInWindow / dt),
    };
    this.latencies = [];
    this.requestsInWindow = 0;
    const t = Math.round(now / 1000);
    this.columns.push(t, values);
    this.deps.metrics.seriesHeld.set(this.deps.store.size);
    this.deps.metrics.modelVersion.set(this.deps.holder.current?.version ?? 0);
    const tick: Tick = { t, values, totals: this.totals(), components: this.components(), model: this.modelState(), pace: this.deps.pace() };
    this.emit('tick', tick);
  }
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}

/** One component per process the `npm start` supervisor runs (none when no supervisor runs this stack). */
function supervisedComponents(stackDir: string): Component[] {
  const s = readSupervision(stackDir);
  if (!s) return [];
  return s.processes.map((p) => ({
    name: p.name,
    ok: p.pid !== null,
    detail:
      (p.pid !== null ? `pid ${p.pid}, up ${Math.round((Date.now() - p.since) / 1000)} s` : 'down, restarting') +
      (p.restarts > 0 ? `, ${p.restarts} restart${p.restarts === 1 ? '' : 's'} (last: ${p.lastExit})` : ''),
  }));
}
