/**
 * Request bodies of the predict benchmark, the same items for every target:
 * the gateway gets (store, dept, week) and builds the features itself; the
 * FastAPI reference gets the feature vectors of the same items, ready, as in
 * the classic design; the echo gets the gateway's bodies back.
 */
import { featureVector } from '../../domain/features/features.js';
import { addWeeks } from '../../lib/weeks.js';
import type { SeriesStore } from '../../gateway/state/series-store.js';

export interface Item {
  store: number;
  dept: number;
  week: string;
}

export interface Bodies {
  /** Single items whose origin is the series' last week (h = 1..H): answered from the forecast projection. */
  single: string[];
  /** Batches of those. */
  batch: string[];
  /** Single known weeks (origins in the past): computed on the fly (features, model, intervals) on every request. */
  computedSingle: string[];
  /** Batches of those. */
  computedBatch: string[];
  /** The reference's bodies: the same single items' and batches' feature vectors. */
  refSingle: string[];
  refBatch: string[];
}

const vectorOf = (store: SeriesStore, it: Item, horizon: number) => [...featureVector(store.get(it.store, it.dept), it.week, horizon)].map((x) => (Number.isNaN(x) ? null : x));

/** Items over every series (up to `horizon` weeks after its last), batched by `batchSize`. */
export function benchBodies(store: SeriesStore, horizon: number, batchSize: number): Bodies {
  const future: { it: Item; h: number }[] = [];
  const past: Item[] = [];
  for (const s of store.all()) {
    const last = s.weekAt(s.length - 1);
    for (let h = 1; h <= horizon; h++) future.push({ it: { store: s.store, dept: s.dept, week: addWeeks(last, h) }, h });
    if (s.length > 60) past.push({ store: s.store, dept: s.dept, week: addWeeks(last, -20) });
  }
  const batches = <T>(xs: T[]) => Array.from({ length: 20 }, (_, k) => Array.from({ length: batchSize }, (_, i) => xs[(k * batchSize + i) % xs.length]!));
  const singles = future.slice(0, 500);
  const futureBatches = batches(future);
  return {
    single: singles.map((x) => JSON.stringify(x.it)),
    batch: futureBatches.map((b) => JSON.stringify({ items: b.map((x) => x.it) })),
    computedSingle: past.slice(0, 500).map((it) => JSON.stringify(it)),
    computedBatch: batches(past).map((b) => JSON.stringify({ items: b })),
    refSingle: singles.map((x) => JSON.stringify({ features: vectorOf(store, x.it, x.h) })),
    refBatch: futureBatches.map((b) => JSON.stringify({ items: b.map((x) => vectorOf(store, x.it, x.h)) })),
  };
}
