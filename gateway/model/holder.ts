import type { ConformalIntervals } from '../../domain/intervals/conformal.js';
import type { Blend } from '../../domain/ensemble/blend.js';

/** What the gateway needs from a loaded model: score a row-major float32 matrix, warm up, release. */
export interface Scorer {
  /** Model outputs (the transformed target z), one per row of X (rows x cols, row-major). */
  score(X: Float32Array, rows: number): Promise<Float32Array>;
  warm(): Promise<void>;
  release(): Promise<void>;
}

/** A model ready to serve: its scorer plus where it came from. */
export interface LoadedModel {
  version: number;
  runId: string;
  sha256: string;
  /** Horizons the model was trained for (1..horizon). */
  horizon: number;
  /** Conformal intervals calibrated with the model (from its run record); null for a model without them. */
  intervals: ConformalIntervals | null;
  /** The ensemble weights of its run (domain/ensemble/blend.ts); null = the model alone. */
  blend?: Blend | null;
  loadedAt: number;
  scorer: Scorer;
}

/** The outcome of the last load attempt, for /readyz, the dashboard and the 503 reason. */
export type LoadState =
  | { state: 'none'; reason: string }
  | { state: 'loading'; version: number; since: number }
  | { state: 'loaded'; version: number; at: number; ms: number }
  | { state: 'failed'; version: number; at: number; reason: string };

interface Slot {
  model: LoadedModel;
  inflight: number;
  retired: boolean;
}

/**
 * Holds the current model. A request takes a lease (one reference read, so
 * a batch is scored by one version) and returns it when done; `swap` replaces
 * the reference in one assignment, and the old session is released only when
 * its last in-flight request has returned it. No request ever sees a released
 * session and none waits for a swap.
 */
export class ModelHolder {
  private slot: Slot | null = null;
  private last: LoadState = { state: 'none', reason: 'no model has been promoted yet' };

  /** The current model's metadata, or null. */
  get current(): LoadedModel | null {
    return this.slot?.model ?? null;
  }

  get status(): LoadState {
    return this.last;
  }

  setStatus(s: LoadState): void {
    this.last = s;
  }

  /** Leases the current model (null when none); `release` must be called exactly once. */
  lease(): { model: LoadedModel; release: () => void } | null {
    const s = this.slot;
    if (!s) return null;
    s.inflight++;
    let done = false;
    return {
      model: s.model,
      release: () => {
        if (done) return;
        done = true;
        s.inflight--;
        if (s.retired && s.inflight === 0) void s.model.scorer.release().catch(() => undefined);
      },
    };
  }

  /** Makes `model` current atomically; returns the model it replaced (released once idle). */
  swap(model: LoadedModel): LoadedModel | null {
    const old = this.slot;
    this.slot = { model, inflight: 0, retired: false };
    if (old) {
      old.retired = true;
      if (old.inflight === 0) void old.model.scorer.release().catch(() => undefined);
    }
    return old?.model ?? null;
  }

  /** Drops the current model; its session is released once its last in-flight lease returns. */
  retire(): void {
    const old = this.slot;
    this.slot = null;
    if (!old) return;
    old.retired = true;
    if (old.inflight === 0) void old.model.scorer.release().catch(() => undefined);
  }

  /** Releases the current model (shutdown). */
  async close(): Promise<void> {
    const s = this.slot;
    this.slot = null;
    if (s) await s.model.scorer.release().catch(() => undefined);
  }
}
