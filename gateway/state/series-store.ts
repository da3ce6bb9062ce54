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
  /**
   * `sales.weekly` partition -> the next offset this state has not seen, set in
   * the same tick as the upsert it covers, so a snapshot (state/snapshot.ts)
   * read synchronously never claims an event it does not hold, nor holds one
   * it does not claim.
   */
  readonly offsets = new Map<number, bigint>();

  /** Marks `sales.weekly` partition/offset as handled (an applied event, or one refused to the dead-letter topic). */
  covered(partition: number, offset: string | bigint): void {
    const next = BigInt(offset) + 1n;
    if (next > (this.offsets.get(partition) ?? 0n)) this.offsets.set(partition, next);
  }

  /**
   * Replaces the state with a snapshot's: its histories, counters and
   * offsets. Only on an empty store, before the log is followed.
   */
  restore(histories: Iterable<SeriesHistory>, at: { events: number; latestWeek: string | null; firstWeek: string | null; offsets: ReadonlyMap<number, bigint> }): void {
    if (this.series.size > 0 || this.events > 0) throw new Error('SeriesStore.restore: the store already holds events');
    for (const h of histories) this.add(h);
    this.events = at.events;
    this.latestWeek = at.latestWeek;
    this.firstWeek = at.firstWeek;
    for (const [p, o] of at.offsets) this.offsets.set(p, o);
    this.profiles.invalidate();
  }

  /** Upserts one event; returns the series it changed. With `at`, also marks its partition/offset covered. */
  apply(e: SalesWeek, at?: { partition: number; offset: string }): SeriesHistory {
    const key = seriesKey(e.store, e.dept);
    let h = this.series.get(key);
    if (!h) h = this.add(new SeriesHistory(e.store, e.dept));
    h.upsert(rowOfSalesWeek(e));
    // only this department's profile: a rebuild of all of them per event cost the next computed prediction milliseconds
    this.profiles.invalidate(e.dept);
    this.events++;
    if (at) this.covered(at.partition, at.offset);
    if (this.latestWeek === null || e.week > this.latestWeek) this.latestWeek = e.week;
    if (this.firstWeek === null || e.week < this.firstWeek) this.firstWeek = e.week;
    return h;
  }

  private add(h: SeriesHistory): SeriesHistory {
    h.profiles = this.profiles;
    this.series.set(seriesKey(h.store, h.dept), h);
    let depts = this.stores.get(h.store);
    if (!depts) this.stores.set(h.store, (depts = new Set()));
    depts.add(h.dept);
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
