import type { Kafka } from 'kafkajs';
import { fetchArtifact, parseArtifactUri } from '../../lib/kafka/artifacts.js';
import { AppError, messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { FEATURE_COUNT, FEATURE_VERSION } from '../../domain/features/features.js';
import { OnnxModel } from '../../domain/model/io/onnx-model.js';
import { isConformalIntervals, type ConformalIntervals } from '../../domain/intervals/conformal.js';
import { isBlend, type Blend } from '../../domain/ensemble/blend.js';
import { runMetrics } from '../../domain/registry/state.js';
import type { LoadedModel, ModelHolder } from './holder.js';

/** What happened to a promotion, for metrics, logs and the live status. */
export type LoadEvent =
  | { type: 'loading'; version: number; at: number }
  | { type: 'loaded'; version: number; previous: number | null; ms: number; at: number }
  | { type: 'failed'; version: number; reason: string; at: number };

export interface LoaderDeps {
  kafka: Kafka;
  holder: ModelHolder;
  /** Local cache of verified artifacts (by sha256). */
  cacheDir: string;
  /** The run record of a version, when the log has it (for its horizon and feature layout). */
  runOf: (version: number) => ModelTrained | undefined;
  /** Horizon to assume for a model whose run is unknown. */
  defaultHorizon: number;
  onEvent: (e: LoadEvent) => void;
  log: Logger;
  /** Threads one scoring call may use (default 1: concurrency comes from requests and replicas). */
  threads?: number;
}

/**
 * Turns promotions into a served model: fetch the artifact from its topic,
 * verify its sha256, check the feature layout, load and warm a session, then
 * swap it in. Loads run one at a time; promotions that arrive meanwhile
 * collapse to the newest. A failed load leaves the current model serving.
 */
export class ModelLoader {
  private pending: ModelPromoted | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: LoaderDeps) {}

  /** Asks for `p` to become the served model (the newest request wins). */
  request(p: ModelPromoted): Promise<void> {
    this.pending = p;
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Resolves when no load is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const p = this.pending;
      this.pending = null;
      await this.load(p);
    }
  }

  private async load(p: ModelPromoted): Promise<void> {
    const { holder, onEvent, log } = this.deps;
    const cur = holder.current;
    if (cur && cur.version === p.version && cur.sha256 === p.artifactSha256) return;
    const t0 = performance.now();
    onEvent({ type: 'loading', version: p.version, at: Date.now() });
    holder.setStatus(cur ? { state: 'loaded', version: cur.version, at: cur.loadedAt, ms: 0 } : { state: 'loading', version: p.version, since: Date.now() });
    try {
      const model = await this.open(p);
      const old = holder.swap(model);
      const ms = performance.now() - t0;
      holder.setStatus({ state: 'loaded', version: model.version, at: model.loadedAt, ms });
      log.info(`serving model v${model.version} (${p.kind}${old ? `, was v${old.version}` : ''}) loaded in ${ms.toFixed(0)} ms`);
      onEvent({ type: 'loaded', version: model.version, previous: old?.version ?? null, ms, at: Date.now() });
    } catch (err) {
      const reason = messageOf(err);
      holder.setStatus(
        cur ? { state: 'loaded', version: cur.version, at: cur.loadedAt, ms: 0 } : { state: 'failed', version: p.version, at: Date.now(), reason },
      );
      log.error(`model v${p.version} not loaded (${cur ? `v${cur.version} keeps serving` : 'nothing is served'}): ${reason}`);
      onEvent({ type: 'failed', version: p.version, reason, at: Date.now() });
    }
  }

  private open(p: ModelPromoted): Promise<LoadedModel> {
    return openModel(this.deps, p);
  }
}

/** What names a servable artifact: a promotion, or a version's run (aliases). */
export type ArtifactRef = Pick<ModelPromoted, 'version' | 'runId' | 'artifactSha256' | 'artifactUri'>;

/**
 * Fetches an artifact (local cache, else its topic), verifies its sha256 and
 * feature layout, loads and warms an onnxruntime session. Throws AppError
 * ARTIFACT_HASH / FEATURE_MISMATCH, or what fetching and loading throw.
 */
export async function openModel(deps: Pick<LoaderDeps, 'kafka' | 'cacheDir' | 'runOf' | 'defaultHorizon' | 'threads'>, p: ArtifactRef): Promise<LoadedModel> {
  const { sha256 } = parseArtifactUri(p.artifactUri);
  if (sha256 !== p.artifactSha256) {
    throw new AppError('ARTIFACT_HASH', `artifactSha256 ${p.artifactSha256.slice(0, 12)} does not match the artifact URI's ${sha256.slice(0, 12)}`);
  }
  const run = deps.runOf(p.version);
  if (run && run.featureVersion !== FEATURE_VERSION) {
    throw new AppError('FEATURE_MISMATCH', `model v${p.version} was trained on features ${run.featureVersion}, this gateway computes ${FEATURE_VERSION}`);
  }
  const bytes = await fetchArtifact(deps.kafka, p.artifactUri, { cacheDir: deps.cacheDir, timeoutMs: 60_000 });
  const onnx = await OnnxModel.load(bytes, { cols: FEATURE_COUNT, threads: deps.threads ?? 1 });
  try {
    await onnx.warm();
  } catch (err) {
    await onnx.close().catch(() => undefined);
    throw err;
  }
  return {
    version: p.version,
    runId: p.runId,
    sha256: onnx.sha256,
    horizon: run?.horizon ?? deps.defaultHorizon,
    intervals: run ? intervalsOfRun(run) : null,
    blend: run ? blendOfRun(run) : null,
    loadedAt: Date.now(),
    scorer: { score: (X, rows) => onnx.predict(X, rows), warm: () => onnx.warm(), release: () => onnx.close() },
  };
}

/** The run's ensemble weights when its metrics carry a well-formed set (older runs have none: the model alone). */
function blendOfRun(run: ModelTrained): Blend | null {
  const b = runMetrics(run).blend;
  return isBlend(b) ? b : null;
}

/** The run's conformal intervals when its metrics carry a well-formed set (older runs have none). */
function intervalsOfRun(run: ModelTrained): ConformalIntervals | null {
  const c = runMetrics(run).intervals;
  return isConformalIntervals(c) ? c : null;
}
