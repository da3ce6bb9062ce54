/**
 * Property: every event the forecast publisher produces passes the
 * forecast.published contract (the validator every consumer runs, and the
 * Avro schema), whatever the series look like and whatever the follower
 * applies while a pass is scoring. Series start on any weekday, have gaps,
 * and the model's horizon may be shorter than the configured one; during
 * each scoring call new weeks arrive (the next week, a week after a gap, a
 * correction, a week before the first one). The scorer is a test double: the
 * property is about the events' shape, not the numbers (the integration test
 * in gateway/forecasts.int.test.ts runs the real model and codec).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { FORECAST_PUBLISHED } from '../../domain/contracts.js';
import { mulberry32, type Rng } from '../../domain/simulation/random.js';
import { contractText } from '../../lib/avro/codec.js';
import { createLogger, setLogLevel } from '../../lib/log.js';
import { addWeeks } from '../../lib/weeks.js';
import type { ForecastPublished, SalesWeek } from '../../schemas/types.js';
import type { LoadedModel } from '../model/holder.js';
import { SeriesStore } from '../state/series-store.js';
import { ForecastCache } from './cache.js';
import { ForecastPublisher } from './publisher.js';

setLogLevel('warn');
const avroType = avro.Type.forSchema(JSON.parse(contractText('forecastPublished')) as avro.Schema);

function sale(store: number, dept: number, week: string, sales: number): SalesWeek {
  return {
    eventId: `${store}-${dept}-${week}`, store, dept, week, weeklySales: sales, isHoliday: false,
    temperature: null, fuelPrice: null, markdown1: null, markdown2: null, markdown3: null, markdown4: null, markdown5: null,
    cpi: null, unemployment: null, storeType: null, storeSize: null, source: 'test', producedAt: 0,
  };
}

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

/** A store of random series: a random first day (any weekday), 53..160 weeks, about 15% of them missing. */
function randomStore(rng: Rng): SeriesStore {
  const store = new SeriesStore();
  const firstDay = Date.UTC(2010, 0, 1) / 86_400_000 + int(rng, 0, 700);
  const start = new Date(firstDay * 86_400_000).toISOString().slice(0, 10);
  for (let s = 1; s <= int(rng, 1, 3); s++) {
    for (let d = 1; d <= int(rng, 1, 4); d++) {
      const offset = int(rng, 0, 10);
      const weeks = int(rng, 53, 160);
      for (let t = 0; t < weeks; t++) {
        // the last week is always there: a series whose last week is missing has no data at that origin
        if (t > 0 && t < weeks - 1 && rng() < 0.15) continue;
        store.apply(sale(s, d, addWeeks(start, offset + t), 1000 + 500 * rng()));
      }
    }
  }
  return store;
}

/** What the follower may apply while a pass scores: the next week, a week after a gap, a correction, or a week before the first. */
function arrive(rng: Rng, store: SeriesStore, publisher: ForecastPublisher): void {
  const all = [...store.all()];
  const h = all[int(rng, 0, all.length - 1)]!;
  const last = h.weekAt(h.length - 1);
  const kind = int(rng, 0, 3);
  const week = kind === 0 ? addWeeks(last, 1) : kind === 1 ? addWeeks(last, int(rng, 2, 5)) : kind === 2 ? h.weekAt(int(rng, 0, h.length - 1)) : addWeeks(h.weekAt(0), -int(rng, 1, 3));
  const e = sale(h.store, h.dept, week, 1000 + 500 * rng());
  publisher.touched(e, store.apply(e));
}

function model(version: number, horizon: number, during: () => void): LoadedModel {
  return {
    version, runId: `run-${version}`, sha256: 'x', horizon, intervals: null, loadedAt: 0,
    scorer: {
      async score(_X, rows) {
        await new Promise((r) => setImmediate(r));
        during();
        return new Float32Array(rows);
      },
      warm: async () => undefined,
      release: async () => undefined,
    },
  };
}

test('every event the publisher produces passes the contract, with weeks arriving during publication', async () => {
  const runs = 60;
  let checked = 0;
  let movedDuringScoring = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const rng = mulberry32(seed);
    const store = randomStore(rng);
    const cache = new ForecastCache();
    const horizon = int(rng, 1, 52);
    const publisher = new ForecastPublisher({ store, cache, horizon, log: createLogger('test') });
    publisher.live = true;
    const sent: ForecastPublished[] = [];
    publisher.connect({ send: async (events) => void sent.push(...events), published: (events) => events.forEach((e) => cache.apply(e)) });
    const lengths = () => [...store.all()].map((h) => `${h.firstDay}+${h.length}`).join();
    for (let pass = 0; pass < 4; pass++) {
      const version = 1 + Math.floor(pass / 2);
      const before = lengths();
      const m = model(version, int(rng, 1, 52), () => {
        for (let k = int(rng, 1, 3); k > 0; k--) arrive(rng, store, publisher);
      });
      await publisher.pass(m);
      if (lengths() !== before) movedDuringScoring++;
    }
    for (const e of sent) {
      const where = `seed ${seed}, ${e.store}:${e.dept} origin ${e.origin}`;
      assert.doesNotThrow(() => FORECAST_PUBLISHED.validate(e), where);
      assert.ok(avroType.isValid(e), `${where}: the Avro schema accepts it`);
      assert.equal(e.points[0]!.week, addWeeks(e.origin, 1), where);
      checked++;
    }
  }
  // the property ran on something: events checked, and the data did move under most passes
  assert.ok(checked > runs * 4, `events checked: ${checked}`);
  assert.ok(movedDuringScoring > runs * 2, `passes whose series moved while scoring: ${movedDuringScoring}`);
});

test('the contract refuses an event whose first point is its origin (the check this property relies on)', () => {
  const e: ForecastPublished = {
    store: 1, dept: 1, origin: '2012-11-02', modelVersion: 1, trigger: 'week', publishedAt: 0,
    points: [{ week: '2012-11-02', horizon: 1, forecast: 1, lower80: null, upper80: null, lower95: null, upper95: null }],
  };
  assert.throws(() => FORECAST_PUBLISHED.validate(e), /ForecastPublished\.points\.0\.week.*2012-11-09/);
});
