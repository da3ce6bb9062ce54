import { NotFoundError } from '../../lib/errors.js';
import { DeptProfiles, rowOfSalesWeek, SeriesHistory } from '../../domain/features/features.js';
import { seriesKey, type SalesWeek } from '../../schemas/types.js';

/**
 * The online feature state: one SeriesHistory per series, upserted from every
 * `sales.weekly` event (the same structure the trainer builds offline), so
 * serving computes features with no database query.
 */
export class SeriesStore {
  private readonly series = new Map<string, SeriesHistory>();
  private readonly stores = new Map<number, Set<number>>();
  /** Cross-series features (the dept profiles) over every series held, rebuilt lazily after a change. */
  readonly profiles = new DeptProfiles(() => this.series.values());
  /** Latest and earliest week seen across all series (ISO strings compare as dates). */
  latestWeek: string | null = null;
  firstWeek: string | null = null;
  events = 0;

  /** Upserts one event; returns the series it changed. */
  apply(e: SalesWeek): SeriesHistory {
    const key = seriesKey(e.store, e.dept);
    let h = this.series.get(key);
    if (!h) {
      h = new SeriesHistory(e.store, e.dept);
      h.profiles = this.profiles;
      this.series.set(key, h);
      let depts = this.stores.get(e.store);
      if (!depts) this.stores.set(e.store, (depts = new Set()));
      depts.add(e.dept);
    }
    h.upsert(rowOfSalesWeek(e));
    this.profiles.invalidate();
    this.events++;
    if (this.latestWeek === null || e.week > this.latestWeek) this.latestWeek = e.week;
    if (this.firstWeek === null || e.week < this.firstWeek) this.firstWeek = e.week;
    return h;
  }

  /** The history of a series; NotFoundError naming the store or the dept when unknown. */
  get(store: number, dept: number): SeriesHistory {
    const h = this.series.get(seriesKey(store, dept));
    if (h) return h;
    if (!this.stores.has(store)) throw new NotFoundError(`store ${store}`);
    throw new NotFoundError(`dept ${dept} of store ${store}`);
  }

  /** Number of series held. */
  get size(): number {
    return this.series.size;
  }

  all(): IterableIterator<SeriesHistory> {
    return this.series.values();
  }

  /** Stores with their departments, sorted. */
  catalog(): { store: number; depts: number[] }[] {
    return [...this.stores.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([store, depts]) => ({ store, depts: [...depts].sort((a, b) => a - b) }));
  }
}
