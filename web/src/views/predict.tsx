import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { fmt, plural } from '../format.js';
import { IsoDateInput, nearestWeeks } from '../date-input.js';
import type { SeriesData } from '../forecast-columns.js';
import { live } from '../live.js';
import { SeriesPicker } from '../series-picker.js';
import { useStore } from '../store.js';
import type { CsvValue } from '../csv.js';
import { CsvButton, type Column } from '../table.js';
import type { Prediction } from '../api-types.js';


/**
 * The 95% interval as a light band, the 80% one inside it as a darker band,
 * the forecast as a tick and the actual (when known) as a dot, on one axis
 * spanning everything drawn.
 */
function IntervalBands({ p }: { p: Prediction }) {
  const i95 = p.intervals.find((i) => i.level === 0.95);
  const i80 = p.intervals.find((i) => i.level === 0.8);
  if (!i95 && !i80) return <p class="muted">This model has no interval calibration for horizon {p.horizon}.</p>;
  const xs = [p.forecast, ...p.intervals.flatMap((i) => [i.lower, i.upper]), ...(p.actual === null ? [] : [p.actual])];
  const lo = Math.min(...xs);
  const span = Math.max(...xs) - lo || 1;
  const at = (v: number) => `${(((v - lo) / span) * 96 + 2).toFixed(2)}%`;
  const band = (iv: { lower: number; upper: number }, cls: string, id: string) => (
    <div class={`iv-band ${cls}`} data-testid={id} style={{ left: at(iv.lower), width: `${((iv.upper - iv.lower) / span) * 96}%` }} />
  );
  return (
    <div class="iv-bar" data-testid="predict-bands">
      {i95 ? band(i95, 'iv95', 'predict-band-95') : null}
      {i80 ? band(i80, 'iv80', 'predict-band-80') : null}
      <div class="iv-forecast" style={{ left: at(p.forecast) }} title={`forecast ${fmt(p.forecast, 2)}`} />
      {p.actual !== null ? <div class="iv-actual" style={{ left: at(p.actual) }} title={`actual ${fmt(p.actual, 2)}`} /> : null}
    </div>
  );
}

const nextWeek = (iso: string | null | undefined) => (iso ? new Date(Date.parse(`${iso}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10) : '');

/**
 * The weeks nearest `week` on the series' 7-day grid when `week` is not on it
 * (null when it is, or before a known week of the series has been read).
 */
function useNearWeeks(store: number, dept: number, week: string): string[] | null {
  const [anchor, setAnchor] = useState<string | null>(null);
  useEffect(() => {
    setAnchor(null);
    api<SeriesData>('GET', `/v1/series?store=${store}&dept=${dept}&weeks=1`).then((d) => setAnchor(d.weeks.at(-1) ?? null), () => setAnchor(null));
  }, [store, dept]);
  return anchor ? nearestWeeks(anchor, week) : null;
}

/** Asks the serving model (POST /v1/predict): its answer or refusal, and whether a request is out. */
function usePrediction() {
  const [result, setResult] = useState<Prediction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api<Prediction>('POST', '/v1/predict', body));
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { result, error, busy, ask };
}

/** Pick a series and a week; the prediction appears beside the actual when that week is known. */
export function PredictView() {
  const s = useStore(live);
  const [pick, setPick] = useState({ store: 1, dept: 1 });
  const [week, setWeek] = useState('');
  const [horizon, setHorizon] = useState('');
  const { result, error, busy, ask } = usePrediction();
  const near = useNearWeeks(pick.store, pick.dept, week);
  useEffect(() => {
    if (!week && s.totals?.latestWeek) setWeek(nextWeek(s.totals.latestWeek));
  }, [s.totals?.latestWeek]);
  const submit = (e: Event) => {
    e.preventDefault();
    void ask({ store: pick.store, dept: pick.dept, week, ...(horizon ? { horizon: Number(horizon) } : {}) });
  };
  return (
    <div class="grid cols-2">
      <form class="panel" onSubmit={submit}>
        <h3>Ask the serving model</h3>
        <div class="row">
          <SeriesPicker store={pick.store} dept={pick.dept} onChange={(store, dept) => setPick({ store, dept })} />
          <label>
            week
            <IsoDateInput testId="predict-week" value={week} onValue={setWeek} />
          </label>
          <label>
            horizon (optional)
            <input type="number" min="1" max="52" value={horizon} placeholder="auto" style="width:90px" onInput={(e) => setHorizon((e.target as HTMLInputElement).value)} />
          </label>
          <button data-testid="predict-submit" type="submit" disabled={busy || !week}>
            Predict
          </button>
        </div>
        {near ? <NearWeeks week={week} store={pick.store} dept={pick.dept} near={near} onPick={setWeek} /> : null}
        <p class="muted">Weeks follow the data's 7-day grid; without a horizon the origin is the series' last known week (or the week before a known one).</p>
        {error ? (
          <div class="banner bad" data-testid="predict-error">
            {error}
          </div>
        ) : null}
      </form>
      <div class="panel" data-testid="predict-result">
        <h3>Result</h3>
        {result ? <PredictionTable result={result} /> : null}
        {result ? <IntervalBands p={result} /> : null}
        {result ? null : (
          <p class="muted">No prediction yet.</p>
        )}
      </div>
    </div>
  );
}

/** A week off the series' grid: the nearest weeks on it, each a button that picks it. */
function NearWeeks({ week, store, dept, near, onPick }: { week: string; store: number; dept: number; near: string[]; onPick: (w: string) => void }) {
  return (
    <div class="banner info" data-testid="predict-near">
      {week} is not on series {store}:{dept}'s weekly grid. Use{' '}
      {near.map((w, i) => (
        <>
          {i > 0 ? ' or ' : ''}
          <button type="button" class="secondary small" data-testid={`predict-near-${i}`} onClick={() => onPick(w)}>
            {w}
          </button>
        </>
      ))}
    </div>
  );
}

/** The prediction with its intervals, actual, error, model and origin. */
function PredictionTable({ result }: { result: Prediction }) {
  const diff = result.actual !== null ? result.forecast - result.actual : null;
  return (
    <div class="table-wrap">
      <div class="table-tools">
        <CsvButton columns={PAIR_COLUMNS} rows={predictionPairs(result)} name="prediction" testId="prediction-csv" />
      </div>
    <table data-testid="prediction-table">
      <tbody>
        <tr>
          <td>forecast</td>
          <td class="big" data-testid="predict-forecast">
            {fmt(result.forecast, 2)}
          </td>
        </tr>
        {result.intervals.map((iv) => (
          <tr>
            <td>{Math.round(iv.level * 100)}% interval</td>
            <td data-testid={`predict-interval-${Math.round(iv.level * 100)}`}>
              {fmt(iv.lower, 2)} – {fmt(iv.upper, 2)}
            </td>
          </tr>
        ))}
        <tr>
          <td>actual</td>
          <td class="big" data-testid="predict-actual">
            {result.actual === null ? <span class="muted">not known yet</span> : fmt(result.actual, 2)}
          </td>
        </tr>
        {diff !== null ? (
          <tr>
            <td>error</td>
            <td>
              {fmt(diff, 2)} ({result.actual ? `${((Math.abs(diff) / Math.abs(result.actual)) * 100).toFixed(1)}%` : '–'})
            </td>
          </tr>
        ) : null}
        <tr>
          <td>model</td>
          <td data-testid="predict-version">v{result.modelVersion}</td>
        </tr>
        <tr>
          <td>series, week</td>
          <td>
            store {result.store}, dept {result.dept}, {result.week}
          </td>
        </tr>
        <tr>
          <td>horizon, origin</td>
          <td>
            {plural(result.horizon, 'week')} after {result.origin}
          </td>
        </tr>
      </tbody>
    </table>
    </div>
  );
}

type Pair = readonly [string, CsvValue];
const PAIR_COLUMNS: Column<Pair>[] = [
  { header: 'field', csv: (p) => p[0] },
  { header: 'value', csv: (p) => p[1] },
];

/** The prediction as field/value pairs for its CSV (numbers unrounded). */
function predictionPairs(r: Prediction): Pair[] {
  return [
    ['store', r.store],
    ['dept', r.dept],
    ['week', r.week],
    ['horizon', r.horizon],
    ['origin', r.origin],
    ['forecast', r.forecast],
    ...r.intervals.flatMap((iv): Pair[] => [
      [`lower${Math.round(iv.level * 100)}`, iv.lower],
      [`upper${Math.round(iv.level * 100)}`, iv.upper],
    ]),
    ['actual', r.actual],
    ['modelVersion', r.modelVersion],
  ];
}
