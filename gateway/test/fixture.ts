/**
 * Shared set-up for the gateway's integration tests: an isolated config (own
 * topics, database, groups, a free port), a small generated history on
 * sales.weekly, and real models trained with the project's XGBoost driver,
 * published the way the trainer publishes them (artifact on its topic,
 * model.trained, model.promoted).
 */
import type { ConformalIntervals } from '../../domain/intervals/conformal.js';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../lib/config.js';
import { withOverrides } from '../../lib/config.js';
import { createKafka } from '../../lib/kafka/client.js';
import { isolatedConfig } from '../../lib/testing.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import type { ModelPromoted, ModelTrained, SalesWeek } from '../../schemas/types.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { buildTrainingMatrix, FEATURE_NAMES, FEATURE_VERSION, SeriesHistory } from '../../domain/features/features.js';
import { addWeeks } from '../../lib/weeks.js';
import { trainXgboost, type TrainResult, type XgbParams } from '../../trainer/run/xgboost.js';

export const TOKEN = 'test-token-0123456789';
/** 3 stores x 4 depts x 80 weeks (11 series with this seed; 1:3 and 2:3 start later): enough for 52-week lags, small enough for two shared cores. */
export const SIM = { seed: 7, stores: 3, depts: 4, startWeek: '2010-02-05', weeks: 80 };

export interface Fixture {
  cfg: Readonly<Config>;
  prefix: string;
  events: SalesWeek[];
  series: Map<string, SeriesHistory>;
  publisher: EventPublisher;
  sales: SalesProducer;
  cleanup(): Promise<void>;
}

/** Isolated config with the gateway on a free port, a test token and the small simulator. */
export function gatewayConfig(name: string, patch: (d: Config) => void = () => undefined) {
  const iso = isolatedConfig(name);
  const cfg = withOverrides(iso.cfg, (d) => {
    d.gateway.port = 0;
    d.gateway.host = '127.0.0.1';
    d.gateway.token = TOKEN;
    d.simulator = { ...d.simulator, seed: SIM.seed, stores: SIM.stores, depts: SIM.depts, startWeek: SIM.startWeek, weeks: SIM.weeks };
    d.trainer.horizon = 4;
    d.trainer.thresholdWeeks = 1;
    d.trainer.retries = 0;
    patch(d);
  });
  return { ...iso, cfg };
}

/** Creates topics and contracts, produces the history (unless `history: false`), connects producers. */
export async function setUp(
  name: string,
  opts: { history?: boolean; patch?: (d: Config) => void; keep?: (e: SalesWeek) => boolean; sim?: typeof SIM } = {},
): Promise<Fixture> {
  const sim = opts.sim ?? SIM;
  const { cfg, prefix, cleanup } = gatewayConfig(name, (d) => {
    d.simulator = { ...d.simulator, ...sim };
    opts.patch?.(d);
  });
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'gateway-test');
  const sales = await SalesProducer.connect(kafka, codec, cfg);
  const publisher = await EventPublisher.connect(kafka, codec, cfg.topics);
  const events = [...generateHistory({ ...sim, producedAt: 1_700_000_000_000 })].filter(opts.keep ?? (() => true));
  if (opts.history ?? true) await sales.send(events);
  return {
    cfg,
    prefix,
    events,
    series: SeriesHistory.fromSalesWeeks(events),
    publisher,
    sales,
    async cleanup() {
      await Promise.allSettled([sales.disconnect(), publisher.disconnect()]);
      await cleanup();
    },
  };
}

/** Trains a small real XGBoost model on the fixture's history; returns its ONNX bytes. */
export async function trainModel(series: Map<string, SeriesHistory>, params: XgbParams = {}): Promise<Buffer> {
  const all = [...series.values()];
  const last = all.map((h) => h.weekAt(h.length - 1)).reduce((a, b) => (b > a ? b : a));
  const holdoutFrom = addWeeks(last, -3);
  const train = buildTrainingMatrix(all, { horizon: 4, toWeek: addWeeks(holdoutFrom, -1) });
  const holdout = buildTrainingMatrix(all, { horizon: 4, fromWeek: holdoutFrom, toWeek: last });
  const r = await trainXgboost({ train, holdout, validWeeks: 4, params: { rounds: 40, maxDepth: 4, eta: 0.2, nthread: 1, ...params } });
  return r.onnx;
}

/** Publishes a model like the trainer does: artifact, model.trained, then model.promoted. */
export async function publishModel(
  f: Pick<Fixture, 'publisher'>,
  version: number,
  onnx: Buffer,
  opts: { previousVersion?: number | null; featureVersion?: string; sha256?: string; horizon?: number; intervals?: ConformalIntervals } = {},
): Promise<ModelPromoted> {
  const art = await f.publisher.artifact(onnx);
  const runId = randomUUID();
  const trained: ModelTrained = {
    runId,
    version,
    requestIds: [],
    trigger: 'manual',
    reasons: ['gateway test'],
    params: JSON.stringify({ rounds: 40 }),
    featureVersion: opts.featureVersion ?? FEATURE_VERSION,
    features: [...FEATURE_NAMES],
    horizon: opts.horizon ?? 4,
    metrics: JSON.stringify({ model: { wape: 0.1 }, seasonalNaive: { wape: 0.2 }, lastValue: { wape: 0.25 }, ...(opts.intervals ? { intervals: opts.intervals } : {}) }),
    holdoutWeeks: [],
    dataMaxWeek: '2011-08-05',
    dataRows: 960,
    dataSeries: 12,
    topicOffsets: '{}',
    durationMs: 1000,
    artifactSha256: art.sha256,
    artifactUri: art.uri,
    artifactBytes: art.bytes,
    decision: 'promoted',
    decisionReason: 'test model',
    trainedAt: Date.now(),
  };
  await f.publisher.modelTrained(trained);
  const promoted: ModelPromoted = {
    version,
    runId,
    previousVersion: opts.previousVersion ?? null,
    kind: 'promotion',
    reason: 'gateway test',
    artifactSha256: opts.sha256 ?? art.sha256,
    artifactUri: art.uri,
    promotedBy: 'test',
    promotedAt: Date.now(),
  };
  await f.publisher.modelPromoted(promoted);
  return promoted;
}

/**
 * Trains on the fixture's history and records the run as the trainer does
 * (artifact, then model.trained with its curves and feature importance),
 * without promoting it. A 'failed' run trains nothing and has no artifact.
 */
export async function publishRecordedRun(
  f: Pick<Fixture, 'publisher' | 'series'>,
  version: number,
  params: XgbParams,
  decision: ModelTrained['decision'] = 'rejected',
): Promise<{ run: ModelTrained; fit: TrainResult | null }> {
  const all = [...f.series.values()];
  const last = all.map((h) => h.weekAt(h.length - 1)).reduce((a, b) => (b > a ? b : a));
  const train = buildTrainingMatrix(all, { horizon: 4, toWeek: addWeeks(last, -4) });
  const holdout = buildTrainingMatrix(all, { horizon: 4, fromWeek: addWeeks(last, -3), toWeek: last });
  const fit = decision === 'failed' ? null : await trainXgboost({ train, holdout, validWeeks: 4, params: { maxDepth: 4, eta: 0.2, nthread: 1, ...params } });
  const art = fit ? await f.publisher.artifact(fit.onnx) : { sha256: '', uri: '', bytes: 0 };
  const run: ModelTrained = {
    runId: randomUUID(), version, requestIds: [], trigger: 'manual', reasons: ['gateway test'], params: JSON.stringify(params),
    featureVersion: FEATURE_VERSION, features: [...FEATURE_NAMES], horizon: 4, metrics: '{}', holdoutWeeks: [], dataMaxWeek: last,
    dataRows: train.rows, dataSeries: all.length, topicOffsets: '{}', durationMs: 1, artifactSha256: art.sha256, artifactUri: art.uri,
    artifactBytes: art.bytes, decision, decisionReason: decision, trainedAt: Date.now(),
    curves: fit?.curves ?? null, featureImportance: fit?.importance ?? [],
  };
  await f.publisher.modelTrained(run);
  return { run, fit };
}

/** A JSON request against the gateway; returns status and parsed body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response fields and assert on them
export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
