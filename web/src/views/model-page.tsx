import type { ComponentChildren } from 'preact';
import type { AccuracyColumns } from '../../../domain/live/accuracy.js';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { promote } from '../actions.js';
import { dateTime, dur, fmt, pct, plural, wapeOf } from '../format.js';
import { live } from '../live.js';
import { bandRows, type BandRow } from '../model-bands.js';
import { useStore } from '../store.js';
import { DataTable, Trunc, type Column } from '../table.js';
import { ComparePanel } from './model-compare.js';
import { EditPanel } from './model-edit.js';

/** A WAPE cell: green where the model beats this baseline, red where it does not. */
const vs = (model: number | null, other: number | null) => (model !== null && other !== null ? (model < other ? 'better' : 'worse') : '');

const BAND_COLUMNS: Column<BandRow>[] = [
  { header: 'weeks ahead', csv: (b) => b.label, nowrap: true },
  { header: 'points', num: true, csv: (b) => b.points, cell: (b) => fmt(b.points) },
  { header: 'model', num: true, csv: (b) => b.model, cell: (b) => pct(b.model) },
  { header: 'seasonal naive', num: true, csv: (b) => b.seasonalNaive, cell: (b) => pct(b.seasonalNaive), cls: (b) => vs(b.model, b.seasonalNaive) },
  { header: 'last value', num: true, csv: (b) => b.lastValue, cell: (b) => pct(b.lastValue), cls: (b) => vs(b.model, b.lastValue) },
  { header: 'champion then', num: true, csv: (b) => b.champion, cell: (b) => pct(b.champion), cls: (b) => vs(b.model, b.champion) },
];

/** One version on its own page (#/models/v3): what it is, how it scored and why it was (not) promoted, its curves, tags, aliases and artifact. */
export function ModelPage({ version }: { version: number }) {
  const s = useStore(live);
  const m = s.models.models.find((x) => x.version === version);
  if (!m) {
    return (
      <div class="panel" data-testid="model-page-missing">
        v{version} is not in the registry{s.models.models.length === 0 ? ' yet' : ''}. <a href="#/models">All versions</a>
      </div>
    );
  }
  return (
    <div class="grid" data-testid="model-page">
      <div class="panel">
        <Header m={m} champion={s.models.champion} />
        {m.description ? <p data-testid="model-page-description">{m.description}</p> : null}
        <Facts m={m} liveAcc={s.accuracy.overall.find((o) => o.version === version)} />
      </div>
      <BandsPanel m={m} />
      <ComparePanel rows={[m]} />
      <EditPanel row={m} onClose={() => (location.hash = '#/models')} />
    </div>
  );
}

/** The version, its stage and aliases; links to all versions, a comparison with the champion, the log; Promote. */
function Header({ m, champion }: { m: ModelRow; champion: number | null }) {
  return (
    <div class="row" style="justify-content:space-between">
      <h3 data-testid="model-page-title">
        v{m.version} <span class={`stage ${m.stage}`}>{m.stage}</span>
        {m.aliases.map((a) => (
          <span class="stage alias">{a}</span>
        ))}
      </h3>
      <nav class="row" aria-label={`v${m.version} links`}>
        <a href="#/models">All versions</a>
        {champion !== null && champion !== m.version ? (
          <a href={`#/models?compare=${champion},${m.version}`} data-testid="model-page-compare">
            Compare with the champion v{champion}
          </a>
        ) : null}
        <a href="#/training" data-testid="model-page-log">
          Training log
        </a>
        {m.stage !== 'champion' && m.stage !== 'failed' ? (
          <button class="secondary small" data-testid="model-page-promote" onClick={() => void promote(m.version)}>
            Promote
          </button>
        ) : null}
      </nav>
    </div>
  );
}

/** What the version is and how it came to be: decision, holdout and live accuracy, trigger, data, training, parameters, artifact. */
function Facts({ m, liveAcc }: { m: ModelRow; liveAcc: AccuracyColumns['overall'][number] | undefined }) {
  return (
    <table class="facts-table" data-testid="model-page-facts">
      <tbody>
        <Fact k="decision">
          <b>{m.decision}</b>: {m.decisionReason || '–'}
        </Fact>
        <Fact k="holdout WAPE">
          {pct(wapeOf(m.metrics, 'model'))} (seasonal naive {pct(wapeOf(m.metrics, 'seasonalNaive'))}, last value {pct(wapeOf(m.metrics, 'lastValue'))}, champion then {pct(wapeOf(m.metrics, 'champion'))})
        </Fact>
        <Fact k="live accuracy">{liveAcc ? `WAPE ${pct(liveAcc.wape)} over ${plural(liveAcc.n, 'point')}` : 'no live point yet (forecasts are scored when their week arrives)'}</Fact>
        <Fact k="trigger">
          {m.trigger || '–'}
          {m.reasons.length > 0 ? `: ${m.reasons.join('; ')}` : ''}
        </Fact>
        <Fact k="data">
          up to {m.dataMaxWeek || '–'} ({plural(m.dataRows ?? 0, 'row')}, {plural(m.dataSeries ?? 0, 'series', 'series')}), horizon {m.horizon ?? '–'}
        </Fact>
        <Fact k="trained">
          {dateTime(m.trainedAt)} in {dur(m.durationMs)}
          {m.promotedAt ? ` · promoted ${dateTime(m.promotedAt)}` : ''}
        </Fact>
        <Fact k="parameters">
          <code>{JSON.stringify(m.params)}</code>
        </Fact>
        <Fact k="features">{m.featureVersion}</Fact>
        <Fact k="artifact">{m.artifactSha256 ? <Trunc text={`sha256 ${m.artifactSha256} (${plural(m.artifactBytes ?? 0, 'byte')})`} /> : 'none'}</Fact>
      </tbody>
    </table>
  );
}

/** Holdout WAPE by weeks ahead beside the baselines, or why there is none. */
function BandsPanel({ m }: { m: ModelRow }) {
  const bands = bandRows(m.metrics);
  return (
    <div class="panel">
      <h3>Holdout WAPE by weeks ahead, against the baselines</h3>
      {bands.length > 0 ? (
        <DataTable columns={BAND_COLUMNS} rows={bands} testId="model-bands" csvName={`v${m.version}-wape-by-horizon`} rowKey={(b) => b.label} />
      ) : (
        <p class="muted" data-testid="model-bands-none">
          This run recorded no per-horizon bands (runs before bands were measured).
        </p>
      )}
    </div>
  );
}

function Fact({ k, children }: { k: string; children: ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{k}</th>
      <td>{children}</td>
    </tr>
  );
}

/** The version a hash names: `#/models/v3` -> 3, anything else -> null. */
export function versionOfHash(hash: string): number | null {
  const m = /^#\/?models\/v(\d+)$/.exec(hash);
  return m ? Number(m[1]) : null;
}

/** The versions `#/models?compare=2,3` asks to compare ([] when none). */
export function compareOfHash(hash: string): number[] {
  const m = /^#\/?models\?compare=([\d,]+)$/.exec(hash);
  return m ? m[1]!.split(',').filter(Boolean).map(Number) : [];
}
