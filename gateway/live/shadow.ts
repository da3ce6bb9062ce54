import { seriesKey } from '../../schemas/types.js';
import { COL, featureVector } from '../../domain/features/features.js';
import type { LoadedModel } from '../model/holder.js';
import { scoreRows } from '../predict/predictor.js';
import { rowAt, type ScoringRow } from '../predict/resolve.js';
import type { SeriesStore } from '../state/series-store.js';

const CHUNK = 2000;

/**
 * Shadow forecasts for live accuracy: for every series, the week after its
 * latest one (h = 1) is forecast once per served model version, so live
 * accuracy covers every series each week, not only the ones someone asked
 * about. A pass scores only what is new since the last one (series whose
 * week arrived since, or a new model), in chunks so requests interleave.
 */
export class ShadowForecaster {
  /** series -> `${version}@${target week}` last forecast */
  private readonly done = new Map<string, string>();

  constructor(private readonly store: SeriesStore) {}

  /** Forecasts what is missing; returns how many rows were scored. */
  async pass(model: LoadedModel, onScored: (rows: readonly ScoringRow[], forecasts: Float64Array) => void): Promise<number> {
    const rows: ScoringRow[] = [];
    const marks: [string, string][] = [];
    for (const h of this.store.all()) {
      if (h.length === 0) continue;
      const row = rowAt(h, h.length, 1);
      const key = seriesKey(h.store, h.dept);
      const mark = `${model.version}@${row.week}`;
      if (this.done.get(key) === mark) continue;
      marks.push([key, mark]);
      // a series with no sales in the year before its origin has no level: nothing to forecast
      if (Number.isNaN(featureVector(h, row.week, 1)[COL.level]!)) continue;
      rows.push(row);
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      onScored(chunk, await scoreRows(model, chunk));
      await new Promise((r) => setImmediate(r));
    }
    for (const [k, m] of marks) this.done.set(k, m);
    return rows.length;
  }
}
