import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { salesEventId, type SalesWeek } from '../../schemas/types.js';
import { addWeeks, parseIsoDay } from '../../lib/weeks.js';
import { generateHistory, generateWeek, historyEventCount, scaledOptions, seriesCatalog } from './generator.js';
import { buildModel, resolveOptions } from './sim-model.js';
import { validateSalesWeek } from '../sales/validate.js';
import { RETAIL_REFERENCE, measureTraits, traitRows } from './traits.js';

const SMALL = { seed: 7, stores: 4, depts: 12, weeks: 30, producedAt: 1_700_000_000_000 };

/** One streaming pass over the full default history, keeping only aggregates. */
interface FullRun {
  ms: number;
  /** CPU time of the pass (user + system), ms */
  cpuMs: number;
  events: number;
  weeks: string[];
  totalByWeek: Map<string, number>;
  holidayWeeks: string[];
  orderOk: boolean;
  negatives: number;
  negativeSeries: Set<string>;
  salesBySeries: Map<string, number[]>;
  markdownsBeforeStart: number;
  afterStart: number;
  markdown1AfterStart: number;
  /** days of each series' weeks, in order */
  daysBySeries: Map<string, number[]>;
  invalid: number;
}

function fullRun(): FullRun {
  const r: FullRun = {
    ms: 0, cpuMs: 0, events: 0, weeks: [], totalByWeek: new Map(), holidayWeeks: [], orderOk: true, negatives: 0,
    negativeSeries: new Set(), salesBySeries: new Map(), markdownsBeforeStart: 0, afterStart: 0, markdown1AfterStart: 0,
    daysBySeries: new Map(), invalid: 0,
  };
  const checked: SalesWeek[] = [];
  let prev: SalesWeek | null = null;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const e of generateHistory({ producedAt: 0 })) {
    r.events++;
    if (prev === null || prev.week !== e.week) {
      r.weeks.push(e.week);
      if (e.isHoliday) r.holidayWeeks.push(e.week);
    } else if (prev.store * 1000 + prev.dept >= e.store * 1000 + e.dept) r.orderOk = false;
    prev = e;
    r.totalByWeek.set(e.week, (r.totalByWeek.get(e.week) ?? 0) + e.weeklySales);
    const key = `${e.store}:${e.dept}`;
    let sales = r.salesBySeries.get(key);
    if (!sales) r.salesBySeries.set(key, (sales = []));
    sales.push(e.weeklySales);
    checked.push(e);
    if (e.weeklySales < 0) {
      r.negatives++;
      r.negativeSeries.add(key);
    }
    const anyMarkdown = e.markdown1 ?? e.markdown2 ?? e.markdown3 ?? e.markdown4 ?? e.markdown5;
    if (e.week < '2011-11-11') {
      if (anyMarkdown !== null) r.markdownsBeforeStart++;
    } else {
      r.afterStart++;
      if (e.markdown1 !== null) r.markdown1AfterStart++;
    }
  }
  r.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  r.cpuMs = (cpu.user + cpu.system) / 1000;
  // Checked after the clock stops: the speed test times the generator, not the checks.
  for (const e of checked) {
    const key = `${e.store}:${e.dept}`;
    let days = r.daysBySeries.get(key);
    if (!days) r.daysBySeries.set(key, (days = []));
    days.push(parseIsoDay(e.week) ?? NaN);
    try {
      validateSalesWeek(e);
    } catch {
      r.invalid++;
    }
  }
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe('generator: determinism and API', () => {
  it('gives identical output for the same seed', () => {
    assert.deepEqual([...generateHistory(SMALL)], [...generateHistory(SMALL)]);
  });

  it('gives different sales for a different seed', () => {
    const a = [...generateHistory(SMALL)].map((e) => e.weeklySales);
    const b = [...generateHistory({ ...SMALL, seed: 8 })].map((e) => e.weeklySales);
    assert.notDeepEqual(a, b);
  });

  it('generateWeek(i) is week i of the history, and does not depend on opts.weeks', () => {
    const history = [...generateHistory(SMALL)];
    const week12 = history.filter((e) => e.week === addWeeks('2010-02-05', 12));
    assert.ok(week12.length > 0);
    assert.deepEqual(generateWeek(SMALL, 12), week12);
    // The "next week" step: index = weeks already produced.
    const next = generateWeek(SMALL, SMALL.weeks);
    assert.ok(next.length > 0);
    assert.ok(next.every((e) => e.week === addWeeks('2010-02-05', SMALL.weeks)));
    assert.deepEqual(generateWeek({ ...SMALL, weeks: 500 }, SMALL.weeks), next);
    assert.throws(() => generateWeek(SMALL, -1), RangeError);
  });

  it('fills event fields: eventId, source override, producedAt, store type and size', () => {
    const catalog = seriesCatalog(SMALL);
    const events = generateWeek({ ...SMALL, source: 'next-week' }, 3);
    const bySeries = new Map(catalog.map((s) => [`${s.store}:${s.dept}`, s]));
    for (const e of events) {
      assert.equal(e.eventId, salesEventId(e.store, e.dept, e.week));
      assert.equal(e.source, 'next-week');
      assert.equal(e.producedAt, SMALL.producedAt);
      const s = bySeries.get(`${e.store}:${e.dept}`);
      assert.ok(s, `series ${e.store}:${e.dept} is in the catalog`);
      assert.equal(e.storeType, s.storeType);
      assert.equal(e.storeSize, s.storeSize);
    }
    assert.equal(generateWeek(SMALL, 0)[0]?.source, 'simulator');
  });

  it('starts on any weekday: a Tuesday start gives Tuesday weeks and Tuesday holiday flags', () => {
    const opts = { ...SMALL, startWeek: '2010-01-05', weeks: 52 };
    const weeks = new Set<string>();
    const flagged = new Set<string>();
    for (const e of generateHistory(opts)) {
      weeks.add(e.week);
      if (e.isHoliday) flagged.add(e.week);
    }
    assert.equal(weeks.size, 52);
    for (const w of weeks) assert.equal(new Date(`${w}T00:00:00Z`).getUTCDay(), 2, w);
    assert.deepEqual([...flagged], ['2010-02-09', '2010-09-07', '2010-11-30', '2010-12-28']);
  });

  it('scales the series linearly with the multiplier, keeping every other option', () => {
    const base = { stores: 10, weeks: 20, seed: 7 };
    const x1 = seriesCatalog(base).length;
    const x4 = scaledOptions(base, 4);
    assert.deepEqual({ ...x4, stores: 10 }, base);
    assert.equal(x4.stores, 40);
    const ratio = seriesCatalog(x4).length / x1;
    assert.ok(ratio > 3.5 && ratio < 4.5, `x4 series ratio ${ratio}`);
    assert.throws(() => scaledOptions(base, 0), /multiplier/);
    assert.throws(() => scaledOptions(base, 1.5), /multiplier/);
    assert.throws(() => scaledOptions({ stores: 45 }, 23), /multiplier/);
  });

  it('rejects bad options naming the option', () => {
    assert.throws(() => seriesCatalog({ startWeek: '2010-02-30' }), /startWeek: expected an ISO date/);
    assert.throws(() => seriesCatalog({ stores: 0 }), /stores: expected an integer/);
  });

  it('applies a structural break: the department scaled by the factor in every store from its week on, nothing else changed', () => {
    const opts = { seed: 5, stores: 4, depts: 6, weeks: 10, producedAt: 0 };
    const from = generateWeek(opts, 6)[0]!.week;
    const broken = { ...opts, breaks: [{ dept: 2, factor: 0.6, fromWeek: from }] };
    for (const i of [5, 6, 7]) {
      const plain = generateWeek(opts, i);
      const after = generateWeek(broken, i);
      assert.equal(after.length, plain.length);
      let scaled = 0;
      plain.forEach((e, k) => {
        const b = after[k]!;
        // rounding to cents happens once, after the factor: within a cent of 0.6 x the plain value
        if (e.dept === 2 && i >= 6) {
          scaled++;
          assert.ok(Math.abs(b.weeklySales - e.weeklySales * 0.6) <= 0.006, `${e.store}:${e.dept} week ${i}: ${b.weeklySales} vs 0.6 x ${e.weeklySales}`);
        } else assert.equal(b.weeklySales, e.weeklySales);
      });
      if (i >= 6) assert.ok(scaled >= 2, 'dept 2 is in several stores');
    }
    assert.throws(() => generateWeek({ ...opts, breaks: [{ dept: 2, factor: -1, fromWeek: from }] }, 0), /breaks\.0\.factor/);
    assert.throws(() => generateWeek({ ...opts, breaks: [{ dept: 2, factor: 0.6, fromWeek: 'next' }] }, 0), /breaks\.0\.fromWeek/);
  });

  it('gives store types A/B/C with Walmart-like counts and sizes', () => {
    const stores = new Map(seriesCatalog().map((s) => [s.store, s]));
    const count = { A: 0, B: 0, C: 0 };
    for (const s of stores.values()) {
      count[s.storeType]++;
      const [lo, hi] = ({ A: [150_000, 220_000], B: [35_000, 140_000], C: [35_000, 45_000] } as const)[s.storeType];
      assert.ok(s.storeSize >= lo && s.storeSize <= hi, `store ${s.store} ${s.storeType} ${s.storeSize}`);
    }
    assert.deepEqual(count, { A: 22, B: 17, C: 6 });
  });

  it('gives a permanent level shift (a structural break) to about one series in eight, up or down', () => {
    const series = buildModel(resolveOptions()).series;
    const shifted = series.filter((s) => s.shiftWeek >= 0);
    const share = shifted.length / series.length;
    assert.ok(share > 0.08 && share < 0.16, `shifted share ${share}`);
    assert.ok(shifted.some((s) => s.shiftFactor > 1.1) && shifted.some((s) => s.shiftFactor < 0.9), 'both directions');
  });

  it('shares a yearly profile per department: stores of a dept correlate more than depts of a store', () => {
    const model = buildModel(resolveOptions());
    const profileCorrelation = (a: number[], b: number[]) => {
      const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
      return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    };
    // The log-profile of a series as harmonic coefficients: gain x dept profile + its own deviation.
    const coef = (s: (typeof model.series)[number]) =>
      (model.depts[s.deptIndex]?.profile ?? []).map((c, i) => s.profileGain * c + (s.profileOwn[i] ?? 0));
    const byKey = new Map(model.series.map((s) => [s.key, s]));
    let sameDept = 0;
    let sameStore = 0;
    let n = 0;
    for (const s of model.series.slice(0, 400)) {
      const otherStore = byKey.get(((s.info.store % 45) + 1) * 1024 + s.info.dept);
      const otherDept = byKey.get(s.info.store * 1024 + ((s.info.dept % 80) + 1));
      if (!otherStore || !otherDept) continue;
      sameDept += profileCorrelation(coef(s), coef(otherStore));
      sameStore += profileCorrelation(coef(s), coef(otherDept));
      n++;
    }
    assert.ok(n > 200);
    assert.ok(sameDept / n > 0.8, `same dept, other store: ${sameDept / n}`);
    assert.ok(Math.abs(sameStore / n) < 0.5, `same store, other dept: ${sameStore / n}`);
  });
});

describe('generator: full default history (45 stores, 143 weeks)', () => {
  let r: FullRun;
  before(() => {
    r = fullRun();
  });

  it('is fast: well under 2 s of CPU', () => {
    // CPU time, not wall time: on the shared 2-core machine other jobs can stretch the wall clock 3x.
    assert.ok(r.cpuMs < 2000, `${Math.round(r.cpuMs)} ms CPU (${Math.round(r.ms)} ms wall)`);
  });

  it('has ~3,300 series and ~420k events', () => {
    const series = seriesCatalog().length;
    assert.ok(series >= 3150 && series <= 3450, `series ${series}`);
    assert.ok(r.salesBySeries.size === series, 'every catalog series has events');
    assert.ok(r.events >= 400_000 && r.events <= 440_000, `events ${r.events}`);
    assert.equal(historyEventCount(), r.events);
  });

  it('streams week by week, 7 days apart from the start, series ordered within a week', () => {
    assert.equal(r.weeks.length, 143);
    assert.equal(r.weeks[0], '2010-02-05');
    assert.equal(r.weeks[142], '2012-10-26');
    for (let i = 1; i < r.weeks.length; i++) {
      assert.equal((parseIsoDay(r.weeks[i] ?? '') ?? 0) - (parseIsoDay(r.weeks[i - 1] ?? '') ?? 0), 7);
    }
    assert.ok(r.orderOk);
  });

  it('flags exactly the Walmart holiday weeks', () => {
    assert.deepEqual(r.holidayWeeks, [
      '2010-02-12', '2010-09-10', '2010-11-26', '2010-12-31',
      '2011-02-11', '2011-09-09', '2011-11-25', '2011-12-30',
      '2012-02-10', '2012-09-07',
    ]);
  });

  it('lifts Super Bowl, Labor Day and Thanksgiving weeks above both neighbours', () => {
    const total = (w: string) => r.totalByWeek.get(w) ?? NaN;
    for (const w of r.holidayWeeks.filter((h) => !h.startsWith('12-', 5))) {
      assert.ok(total(w) > total(addWeeks(w, -1)) && total(w) > total(addWeeks(w, 1)), w);
    }
    for (const w of ['2010-11-26', '2011-11-25']) {
      const lift = total(w) / total(addWeeks(w, -1));
      assert.ok(lift > 1.2, `Thanksgiving lift ${w} ${lift}`);
    }
  });

  it('makes the week before Christmas the biggest of its year; the Christmas week (closed on the 25th) falls back', () => {
    for (const [year, pre] of [['2010', '2010-12-24'], ['2011', '2011-12-23']] as const) {
      const ofYear = [...r.totalByWeek].filter(([w]) => w.startsWith(year));
      const max = ofYear.reduce((a, b) => (b[1] > a[1] ? b : a));
      assert.equal(max[0], pre);
      const xmas = addWeeks(pre, 1);
      assert.ok((r.totalByWeek.get(xmas) ?? Infinity) < 0.8 * max[1], xmas);
    }
  });

  it('ties the Christmas effect to the date: Christmas Eve is in the 2011 Christmas week, not in 2010\'s', () => {
    const total = (w: string) => r.totalByWeek.get(w) ?? NaN;
    // 2010-12-31 holds Dec 25..31; 2011-12-30 holds Dec 24..30, a 52-week lag apart.
    const fallBack2010 = total('2010-12-31') / total('2010-12-24');
    const fallBack2011 = total('2011-12-30') / total('2011-12-23');
    assert.ok(fallBack2011 > 1.05 * fallBack2010, `Christmas week / week before: 2010 ${fallBack2010}, 2011 ${fallBack2011}`);
  });

  it('emits only valid events on the 7-day grid; intermittent series skip weeks, late ones start later', () => {
    assert.equal(r.invalid, 0);
    const start = parseIsoDay('2010-02-05') ?? 0;
    let gappy = 0;
    let late = 0;
    for (const days of r.daysBySeries.values()) {
      assert.ok(days.every((d) => (d - start) % 7 === 0), 'on the grid');
      if (days.some((d, i) => i > 0 && d - (days[i - 1] ?? 0) > 7)) gappy++;
      if ((days[0] ?? start) > start) late++;
    }
    const n = r.daysBySeries.size;
    assert.ok(gappy / n > 0.03 && gappy / n < 0.15, `intermittent share ${gappy / n}`);
    assert.ok(late / n > 0.15 && late / n < 0.3, `late share ${late / n}`);
  });

  it('matches real retail: every trait within 10% of the reference of issue 9', () => {
    const points = (function* () {
      for (const e of generateHistory({ producedAt: 0 })) yield { store: e.store, dept: e.dept, week: e.week, sales: e.weeklySales };
    })();
    const rows = traitRows(measureTraits(points), RETAIL_REFERENCE);
    for (const row of rows) assert.ok(Math.abs(row.gap) <= 0.1, `${row.trait}: ${row.value.toFixed(3)} vs real ${row.real}`);
  });

  it('has negative sales, rare and only in tiny departments', () => {
    const share = r.negatives / r.events;
    assert.ok(share > 0 && share < 0.01, `negative share ${share}`);
    for (const key of r.negativeSeries) {
      const m = median(r.salesBySeries.get(key) ?? []);
      assert.ok(m < 1000, `series ${key} with returns has median ${m}`);
    }
  });

  it('has markdowns only from 2011-11-11 on, then mostly present', () => {
    assert.equal(r.markdownsBeforeStart, 0);
    assert.ok(r.markdown1AfterStart / r.afterStart > 0.85, `markdown1 present ${r.markdown1AfterStart}/${r.afterStart}`);
  });
});

describe('generator: covariates', () => {
  it('keeps temperature, fuel, CPI and unemployment in realistic ranges', () => {
    for (const e of generateHistory({ stores: 45, depts: 2, weeks: 143, producedAt: 0 })) {
      assert.ok(e.temperature !== null && e.temperature > -20 && e.temperature < 115, `temperature ${e.temperature}`);
      assert.ok(e.fuelPrice !== null && e.fuelPrice >= 2.4 && e.fuelPrice <= 4.3, `fuel ${e.fuelPrice}`);
      assert.ok(e.cpi !== null && e.cpi >= 126 && e.cpi <= 240, `cpi ${e.cpi}`);
      assert.ok(e.unemployment !== null && e.unemployment >= 3.5 && e.unemployment <= 14.5, `unemployment ${e.unemployment}`);
    }
  });

  it('makes summer warmer than winter for every store', () => {
    const jan = new Map<number, number>();
    const jul = new Map<number, number>();
    for (const e of generateWeek({ depts: 1, producedAt: 0 }, 50)) jan.set(e.store, e.temperature ?? NaN); // 2011-01-21
    for (const e of generateWeek({ depts: 1, producedAt: 0 }, 76)) jul.set(e.store, e.temperature ?? NaN); // 2011-07-22
    assert.ok(jan.size > 0);
    for (const [store, t] of jan) assert.ok((jul.get(store) ?? -Infinity) > t, `store ${store}`);
  });
});
