/**
 * Scores the current champion on the challenger's holdout rows: its ONNX is
 * fetched by content address from the artifacts topic (the same way every
 * gateway replica gets it), verified, and run on the very same vectors. A
 * champion built for another feature layout cannot read these vectors; it is
 * then reported as not comparable rather than scored on garbage.
 */
import type { Kafka } from 'kafkajs';
import { fetchArtifact } from '../../lib/kafka/artifacts.js';
import { AppError } from '../../lib/errors.js';
import type { ModelPromoted, ModelTrained } from '../../schemas/types.js';
import { FEATURE_VERSION, inverseTargets, type TrainingMatrix } from '../../domain/features/features.js';
import { OnnxModel } from '../../domain/model/io/onnx-model.js';
import { blendForecasts, isBlend } from '../../domain/ensemble/blend.js';
import { runMetrics } from '../../domain/registry/state.js';

export type ChampionScore = { version: number; predictions: Float64Array } | { version: number; note: string };

/** The champion's holdout forecasts in sales units, or a note saying why it cannot be compared. */
export async function scoreChampion(
  kafka: Kafka,
  champion: ModelPromoted,
  run: ModelTrained | undefined,
  holdout: TrainingMatrix,
  cacheDir: string,
): Promise<ChampionScore> {
  const v = champion.version;
  if (run && run.featureVersion !== FEATURE_VERSION) {
    return { version: v, note: `champion v${v} uses feature layout ${run.featureVersion}, this run ${FEATURE_VERSION}: not comparable` };
  }
  // A fetch failure is the broker's problem, not the champion's: it propagates and fails the run (retriable).
  const bytes = await fetchArtifact(kafka, champion.artifactUri, { cacheDir });
  let model: OnnxModel;
  try {
    model = await OnnxModel.load(bytes, { cols: holdout.cols, threads: 2 });
  } catch (err) {
    if (err instanceof AppError && err.code === 'ONNX_LOAD') return { version: v, note: `champion v${v} cannot score these vectors: ${err.message}` };
    throw err;
  }
  try {
    const z = await model.predict(holdout.X, holdout.rows);
    // the champion is scored as it is served: with its own run's blend
    const blend = run ? runMetrics(run).blend : undefined;
    return { version: v, predictions: blendForecasts(inverseTargets(z, holdout.X), holdout.X, isBlend(blend) ? blend : null) };
  } finally {
    await model.close();
  }
}
