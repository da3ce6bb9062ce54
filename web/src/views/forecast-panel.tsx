/**
 * The forecast chart of the Performance view, at every level of the sales
 * hierarchy: one series (actual vs the champion's one-week-ahead forecasts,
 * then its next weeks), or a store, a department across stores, or the total
 * (the summed actuals, then the published coherent forecast). 80% and 95%
 * intervals are drawn as bands at every level.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { AggregateForecast, LevelHistory } from '../api-types.js';
import { Chart, COLORS } from '../chart.js';
import { FORECAST_BANDS, forecastColumns, LEVEL_BANDS, levelColumns, type ForecastData, type SeriesData } from '../forecast-columns.js';
import { SeriesPicker, useCatalog } from '../series-picker.js';

type Level = 'total' | 'store' | 'dept' | 'series';
const LEVEL_NAMES: Record<Level, string> = { total: 'total (all stores)', store: 'store', dept: 'department (across stores)', series: 'series (store x department)' };

/** The edges of the 80% and 95% intervals, drawn the same on the series and the level charts. */
const INTERVAL_SERIES = [
  { label: '95% upper', stroke: 'var(--band-edge95)', width: 1 },
  { label: '95% lower', stroke: 'var(--band-edge95)', width: 1 },
  { label: '80% upper', stroke: 'var(--band-edge80)', width: 1 },
  { label: '80% lower', stroke: 'var(--band-edge80)', width: 1 },
];

interface Props {
  latest: string | null | undefined;
  serving: unknown;
}

/** The level picker and the chart of the level picked. */
export function ForecastPanel({ latest, serving }: Props) {
  const [level, setLevel] = useState<Level>('series');
  const [pick, setPick] = useState({ store: 1, dept: 1 });
  const cat = useCatalog();
  const stores = cat?.stores.map((s) => s.store) ?? [];
  const depts = [...new Set(cat?.stores.flatMap((s) => s.depts) ?? [])].sort((a, b) => a - b);
  const controls = (
    <div class="row">
      <label>
        level
        <select data-testid="pick-level" value={level} onChange={(e) => setLevel((e.target as HTMLSelectElement).value as Level)}>
          {(Object.keys(LEVEL_NAMES) as Level[]).map((l) => <option value={l}>{LEVEL_NAMES[l]}</option>)}
        </select>
      </label>
      {level === 'series' ? <SeriesPicker store={pick.store} dept={pick.dept} onChange={(store, dept) => setPick({ store, dept })} /> : null}
      {level === 'store' ? (
        <label>
          store
          <select data-testid="pick-level-store" value={pick.store} onChange={(e) => setPick({ ...pick, store: Number((e.target as HTMLSelectElement).value) })}>
            {stores.map((s) => <option value={s}>{s}</option>)}
          </select>
        </label>
      ) : null}
      {level === 'dept' ? (
        <label>
          dept
          <select data-testid="pick-level-dept" value={pick.dept} onChange={(e) => setPick({ ...pick, dept: Number((e.target as HTMLSelectElement).value) })}>
            {depts.map((d) => <option value={d}>{d}</option>)}
          </select>
        </label>
      ) : null}
    </div>
  );
  return (
    <div class="panel" data-testid="forecast-panel" data-level={level}>
      {level === 'series' ? (
        <SeriesChart store={pick.store} dept={pick.dept} latest={latest} serving={serving} controls={controls} />
      ) : (
        <LevelChart level={level} store={pick.store} dept={pick.dept} latest={latest} serving={serving} controls={controls} />
      )}
    </div>
  );
}

/** The panel's heading beside the level picker. */
function Head({ title, controls }: { title: string; controls: ComponentChildren }) {
  return (
    <div class="row" style="justify-content:space-between">
      <h3>{title}</h3>
      {controls}
    </div>
  );
}

function nodeName(level: Exclude<Level, 'series'>, store: number, dept: number): string {
  return level === 'total' ? 'all stores' : level === 'store' ? `store ${store}` : `department ${dept} across stores`;
}

/** One series: actual vs the champion's one-week-ahead forecasts, then its next 1..H weeks. */
function SeriesChart({ store, dept, latest, serving, controls }: Props & { store: number; dept: number; controls: ComponentChildren }) {
  const [series, setSeries] = useState<SeriesData | null>(null);
  const [ahead, setAhead] = useState<ForecastData | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    api<SeriesData>('GET', `/v1/series?store=${store}&dept=${dept}&weeks=104`).then(
      (d) => {
        setSeries(d);
        setErr(null);
      },
      (e: Error) => setErr(e.message),
    );
    // the next 1..H weeks (H = the trainer horizon, capped at the champion's); none before a model
    api<ForecastData>('GET', `/v1/forecast?store=${store}&dept=${dept}`).then(setAhead, () => setAhead(null));
  }, [store, dept, latest, serving]);
  return (
    <>
      <Head
        title={`Actual vs predicted (one week ahead, then the next ${ahead?.points.length ?? 0} weeks${series?.modelVersion != null ? `, champion v${series.modelVersion}` : ''}; shaded: 80% and 95% intervals)`}
        controls={controls}
      />
      {err ? <div class="banner bad">{err}</div> : null}
      <Chart
        testId="chart-series"
        height={260}
        version={series ? series.weeks.length + (ahead?.points.length ?? 0) * 100_000 + (series.modelVersion ?? 0) * 1000 + store * 7 + dept : 0}
        data={series ? forecastColumns(series, ahead) : [[], [], [], [], [], [], [], []]}
        series={[
          { label: 'actual', stroke: COLORS[0], width: 2 },
          { label: 'predicted (h=1)', stroke: COLORS[2], width: 2, dash: [5, 3] },
          { label: 'forecast', stroke: COLORS[3], width: 2 },
          ...INTERVAL_SERIES,
        ]}
        bands={FORECAST_BANDS}
        x="date"
        axes={[{ label: 'sales', size: 70 }]}
      />
    </>
  );
}


/**
 * A store, a department or the total: its summed actuals (GET
 * /v1/series/level) and the champion's published coherent forecast (GET
 * /v1/forecast?level=), as the gateway sends them.
 */
function LevelChart({ level, store, dept, latest, serving, controls }: Props & { level: Exclude<Level, 'series'>; store: number; dept: number; controls: ComponentChildren }) {
  const { hist, ahead, err, wait } = useLevelData(level, store, dept, latest, serving);
  const shown = hist && hist.level === level && hist.store === (level === 'store' ? store : 0) && hist.dept === (level === 'dept' ? dept : 0) ? hist : null;
  return (
    <>
      <Head title={`Actual vs forecast: ${nodeName(level, store, dept)} (shaded: 80% and 95% intervals)`} controls={controls} />
      <p class="muted" data-testid="level-origin">
        {ahead ? `Published from ${ahead.origin} by champion v${ahead.modelVersion}: the bottom-up sum of its series' forecasts, the next ${ahead.points.length} weeks.` : 'No forecast published for this level yet.'}
        {shown ? ` Actuals: the node's series summed per week, up to ${shown.until ?? '-'}.` : ''}
      </p>
      {err ? <div class="banner bad">{err}</div> : null}
      {!err && wait ? <div class="banner info">{wait}</div> : null}
      <Chart
        testId="chart-level"
        height={260}
        version={(shown?.weeks.length ?? 0) + (ahead?.points.length ?? 0) * 100_000 + (ahead?.modelVersion ?? 0) * 1000 + store * 7 + dept * 13 + level.length * 100_000_000 + (ahead ? Date.parse(ahead.origin) / 86_400_000 : 0)}
        data={shown ? levelColumns(shown, ahead) : [[], [], [], [], [], [], []]}
        series={[
          { label: 'actual (sum)', stroke: COLORS[0], width: 2 },
          { label: 'forecast', stroke: COLORS[3], width: 2 },
          ...INTERVAL_SERIES,
        ]}
        bands={LEVEL_BANDS}
        x="date"
        axes={[{ label: 'sales', size: 80 }]}
      />
    </>
  );
}

/**
 * A level's summed actuals and its published forecast, asked again when the
 * node, the latest week or the version serving changes; `wait` says why there
 * is no forecast yet (a 503 until the publisher's first pass).
 */
function useLevelData(level: Exclude<Level, 'series'>, store: number, dept: number, latest: Props['latest'], serving: unknown) {
  const [hist, setHist] = useState<LevelHistory | null>(null);
  const [ahead, setAhead] = useState<AggregateForecast | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [wait, setWait] = useState<string | null>(null);
  const keys = level === 'total' ? '' : level === 'store' ? `&store=${store}` : `&dept=${dept}`;
  useEffect(() => {
    let live = true;
    api<LevelHistory>('GET', `/v1/series/level?level=${level}${keys}&weeks=104`).then(
      (d) => {
        if (!live) return;
        setHist(d);
        setErr(null);
      },
      (e: Error) => live && setErr(e.message),
    );
    // 503 until the publisher's first pass for this champion: say so, and draw the actuals alone
    api<AggregateForecast>('GET', `/v1/forecast?level=${level}${keys}`).then(
      (f) => {
        if (!live) return;
        setAhead(f);
        setWait(null);
      },
      (e: Error) => {
        if (!live) return;
        setAhead(null);
        setWait(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [level, keys, latest, serving]);
  return { hist, ahead, err, wait };
}
