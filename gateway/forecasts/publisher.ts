/**
 * Who computes the forecast projection, and why here: the gateway already
 * follows sales.weekly into the per-series state the features need and holds
 * the champion's ONNX session, so it computes the forecasts with exactly the
 * code that answers /v1/forecast (a cached answer equals a computed one), and
 * no other process has to load models or rebuild that state. Every replica
 * caches `forecast.published` from the log; only replicas with
 * GATEWAY_PUBLISH_FORECASTS (default on) compute and publish.
 *
 * At-least-once: a series is marked published only after Kafka acknowledged
 * its event (acks=all); a failed send leaves it dirty for the next pass, and a
 * gateway that dies before the ack recomputes it after restart, because its
 * cache (replayed from the topic) does not hold that (origin, version).
 * Idempotent: the forecasts are a function of (series data, origin, model
 * version), so a re-publication, or two replicas publishing the same
 * promotion, carry the same numbers, and the table's ReplacingMergeTree key
 * (series, origin, version, horizon) keeps one row.
 */
import type { Logger } from '../../lib/log.js';
import { parseIsoDay } from '../../lib/weeks.js';
import { seriesKey, type ForecastPublished, type ForecastTrigger, type SalesWeek } from '../../schemas/types.js';
import type { SeriesHistory } from '../../domain/features/features.js';
import type { LoadedModel, ModelHolder } from '../model/holder.js';
import type { SeriesStore } from '../state/series-store.js';
import type { ForecastCache } from './cache.js';
import { computeForecasts, forecastable } from './compute.js';
import { aggregateForecasts } from '../../domain/hierarchy/publish.js';

/** Series scored per call (x H rows); between chunks requests get the event loop. */
const CHUNK_SERIES = 500;
/** Forecasts at h <= 52 read the dept profile at most 52 - h weeks before their target (domain/features/dept-profile.ts). */
const PROFILE_LAG_WEEKS = 52;

export interface ForecastPublisherDeps {
  store: SeriesStore;
  cache: ForecastCache;
  /** The configured horizon (TRAIN_HORIZON); a model trained for fewer weeks publishes its own. */
  horizon: number;
  log: Logger;
}

/** Where published forecasts go. */
export interface ForecastSink {
  /** Sends events to forecast.published and resolves once acknowledged. */
  send(events: ForecastPublished[]): Promise<void>;
  /** Called with events once acknowledged (the cache, live accuracy). */
  published(events: ForecastPublished[]): void;
}

export class ForecastPublisher {
  private readonly dirty = new Map<string, SeriesHistory>();
  /** The model version every forecastable series was last published for (-1: none yet in this process). */
  private fullVersion = -1;
  private sink: ForecastSink | null = null;
  /** Set once the online state caught up with the log (see `touched`). */
  live = false;
  /** Events published by this process. */
  published = 0;
  /** Aggregate events (total, store, dept) published by this process. */
  aggregatesPublished = 0;

  /** A publisher that tracks what is stale from the start (the cache must not serve it), and publishes once connected. */
  constructor(private readonly d: ForecastPublisherDeps) {}

  connect(sink: ForecastSink): void {
    this.sink = sink;
  }

  /**
   * A sales event changed `h`: its forecasts are stale. A week old enough to
   * sit in the dept profile window of other series' forecasts (a correction,
   * a late week) makes the whole department stale.
   */
  touched(e: SalesWeek, h: SeriesHistory): void {
    // while the log is replayed, the forecasts replayed beside the sales were computed from those same sales;
    // a week that arrived while no gateway ran moves the series' origin, so the cache misses and the first pass republishes it
    if (!this.live) return;
    this.mark(h);
    const latest = this.d.store.latestWeek === null ? null : parseIsoDay(this.d.store.latestWeek);
    const day = parseIsoDay(e.week);
    if (latest === null || day === null || day > latest + 7 * (this.d.horizon - PROFILE_LAG_WEEKS)) return;
    for (const other of this.d.store.all()) if (other.dept === e.dept) this.mark(other);
  }

  private mark(h: SeriesHistory): void {
    const key = seriesKey(h.store, h.dept);
    this.dirty.set(key, h);
    this.d.cache.invalidate(key);
  }

  /** Whether a pass with `model` would have anything to do. */
  pending(model: LoadedModel): boolean {
    return this.dirty.size > 0 || model.version !== this.fullVersion;
  }

  /** Publishes what is stale for `model`: everything after a promotion (or at start), else the series that moved. Returns the events sent. */
  async pass(model: LoadedModel): Promise<number> {
    const sink = this.sink;
    if (!sink) throw new Error('ForecastPublisher.pass before connect()');
    const full = model.version !== this.fullVersion;
    const H = Math.min(this.d.horizon, model.horizon);
    const candidates = full ? [...this.d.store.all()] : [...this.dirty.values()];
    for (const h of candidates) this.dirty.delete(seriesKey(h.store, h.dept));
    const trigger: ForecastTrigger = !full ? 'week' : this.fullVersion === -1 ? 'catch-up' : 'promotion';
    const todo = candidates.filter((h) => (this.d.cache.current(h, model.version)?.points.length ?? 0) < H && forecastable(h));
    let sent = 0;
    for (let i = 0; i < todo.length; i += CHUNK_SERIES) {
      const chunk = todo.slice(i, i + CHUNK_SERIES);
      try {
        const { events } = await computeForecasts(model, chunk, H, () => trigger);
        await sink.send(events);
        sink.published(events);
        sent += events.length;
      } catch (err) {
        // not acknowledged: every series not sent yet stays dirty for the next pass
        for (const h of todo.slice(i)) this.dirty.set(seriesKey(h.store, h.dept), h);
        throw err;
      }
      await new Promise((r) => setImmediate(r));
    }
    if (full) this.fullVersion = model.version;
    this.published += sent;
    if (sent > 0) this.d.log.info(`published forecasts of ${sent} series (model v${model.version}, h 1..${H}, ${trigger})`);
    await this.publishAggregates(sink, model.version, trigger, sent > 0);
    return sent;
  }

  /**
   * The total, store and dept forecasts: bottom-up sums of the cached series
   * forecasts of `version` (domain/hierarchy/publish.ts), after each pass that
   * sent series, or when the cache holds none for this version and origin yet
   * (a gateway that restarted with everything published sends nothing).
   */
  private async publishAggregates(sink: ForecastSink, version: number, trigger: ForecastTrigger, changed: boolean): Promise<void> {
    const series = [...this.d.cache.values()].map((x) => x.event).filter((e) => e.modelVersion === version);
    const events = aggregateForecasts(series, trigger, Date.now());
    const total = events[0];
    if (!total) return;
    const cached = this.d.cache.aggregate('total', 0, 0);
    if (!changed && cached && cached.modelVersion === version && cached.origin === total.origin && cached.points.length === total.points.length) return;
    await sink.send(events);
    sink.published(events);
    this.aggregatesPublished += events.length;
    this.d.log.info(`published ${events.length} aggregate forecasts (total, stores, depts; model v${version}, origin ${total.origin})`);
  }
}

/**
 * Runs passes while the gateway serves: once the state is caught up and a
 * model is loaded, after a burst of sales settles (or every 2 s during a
 * steady stream). Returns the stop function.
 */
export function startForecastLoop(p: {
  publisher: ForecastPublisher;
  holder: ModelHolder;
  isCaughtUp: () => boolean;
  lastSalesAt: () => number;
  log: Logger;
  afterPass?: () => void;
}): () => void {
  let busy = false;
  let lastPass = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const model = p.holder.current;
    if (busy || !model || !p.isCaughtUp() || !p.publisher.pending(model)) return;
    if (now - p.lastSalesAt() < 300 && now - lastPass < 2000) return;
    const lease = p.holder.lease();
    if (!lease) return;
    busy = true;
    lastPass = now;
    p.publisher
      .pass(lease.model)
      .then(() => p.afterPass?.())
      .catch((err: unknown) => p.log.warn(`publishing forecasts failed, retried on the next pass: ${(err as Error).message}`))
      .finally(() => {
        lease.release();
        busy = false;
      });
  }, 200);
  timer.unref();
  return () => clearInterval(timer);
}
