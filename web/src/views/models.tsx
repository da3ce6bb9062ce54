import { useEffect, useRef, useState } from 'preact/hooks';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { promote, rollback } from '../actions.js';
import { dateTime, fmt, pct, wapeOf } from '../format.js';
import { live } from '../live.js';
import { useStore } from '../store.js';
import { ComparePanel } from './model-compare.js';
import { compareOfHash } from './model-page.js';
import { EditPanel } from './model-edit.js';
import { CsvButton, Trunc } from '../table.js';
import { MODEL_CSV_COLUMNS } from './model-csv.js';
import { Pager, SearchBar, SortHeader, useRunSearch, type RunSearch } from '../run-search.js';

/** Most versions one comparison draws (the gateway's limit). */
const MAX_COMPARE = 10;

/** Every run and version (the registry): compare N of them, edit one, promote and roll back. */
export function ModelsView() {
  const s = useStore(live);
  // #/models?compare=2,3 (the model page's link) opens with those versions compared
  const [picked, setPicked] = useState<number[]>(() => compareOfHash(location.hash).slice(-MAX_COMPARE));
  const [editing, setEditing] = useState<number | null>(null);
  const editRef = useRef<HTMLDivElement>(null);
  const compareRef = useRef<HTMLDivElement>(null);
  const toggle = (v: number) => setPicked((p) => (p.includes(v) ? p.filter((x) => x !== v) : [...p, v].slice(-MAX_COMPARE)));
  const search = useRunSearch('models', s.models.models);
  // compare and edit find any version, also one on another page of the search
  const byVersion = new Map([...s.models.models, ...search.rows].map((m) => [m.version, m]));
  const chosen = picked.map((v) => byVersion.get(v)).filter((m): m is ModelRow => m !== undefined);
  const edited = editing === null ? undefined : byVersion.get(editing);
  // the panels open below a long table: bring each into view when it opens (the compare panel once, not on every tick)
  useEffect(() => editRef.current?.scrollIntoView({ block: 'start' }), [editing]);
  const comparing = chosen.length > 0;
  useEffect(() => {
    if (comparing) compareRef.current?.scrollIntoView({ block: 'start' });
  }, [comparing]);
  return (
    <div class="grid">
      <div class="panel">
        <div class="row" style="justify-content:space-between">
          <h3>Versions</h3>
          {/* the table's controls together on the right, above it: never over a column */}
          <div class="row" data-testid="models-tools">
            <CsvButton columns={MODEL_CSV_COLUMNS} rows={search.rows} name="models" testId="models-table-csv" />
            <button class="danger" data-testid="rollback" disabled={s.models.champion === null} onClick={() => void rollback()}>
              Roll back to the previous champion
            </button>
          </div>
        </div>
        <SearchBar search={search} label="search versions" testId="models-search" />
        <div class="table-scroll">
          <VersionsTable rows={search.rows} picked={picked} toggle={toggle} edit={setEditing} search={search} />
        </div>
        <Pager search={search} testId="models-pager" />
        {s.models.models.length === 0 ? (
          <p class="muted">No model yet: click "Train now".</p>
        ) : (
          <p class="muted">Baseline WAPEs are green where the model beats them. Tick versions (up to {MAX_COMPARE}) to draw their curves and importance on one chart.</p>
        )}
      </div>
      {edited ? (
        <div ref={editRef}>
          <EditPanel row={edited} onClose={() => setEditing(null)} />
        </div>
      ) : null}
      {comparing ? (
        <div ref={compareRef}>
          <ComparePanel rows={chosen} />
        </div>
      ) : null}
    </div>
  );
}

function VersionsTable({ rows, picked, toggle, edit, search }: { rows: ModelRow[]; picked: number[]; toggle: (v: number) => void; edit: (v: number) => void; search: RunSearch }) {
  return (
    <table data-testid="models-table">
      <thead>
        <tr>
          <th>compare</th>
          <SortHeader search={search} field="attributes.version" label="version" />
          <SortHeader search={search} field="attributes.stage" label="stage" />
          <th>tags</th>
          <SortHeader search={search} field="attributes.trigger" label="trigger" />
          <SortHeader search={search} field="metrics.wape" label="WAPE" num />
          <SortHeader search={search} field="metrics.seasonalNaive.wape" label="seasonal naive" num />
          <SortHeader search={search} field="metrics.champion.wape" label="champion then" num />
          <SortHeader search={search} field="attributes.data_max_week" label="data up to" />
          <SortHeader search={search} field="attributes.data_rows" label="rows" num />
          <SortHeader search={search} field="attributes.trained_at" label="trained" />
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <VersionRow m={m} picked={picked.includes(m.version)} toggle={toggle} edit={edit} />
        ))}
      </tbody>
    </table>
  );
}

/** One version: compare box, link to its page, stage and aliases, tags, trigger, WAPE beside its baselines, data, when; Edit and Promote. */
function VersionRow({ m, picked, toggle, edit }: { m: ModelRow; picked: boolean; toggle: (v: number) => void; edit: (v: number) => void }) {
  const w = wapeOf(m.metrics, 'model');
  const sn = wapeOf(m.metrics, 'seasonalNaive');
  const ch = wapeOf(m.metrics, 'champion');
  return (
    <tr data-testid={`model-row-${m.version}`}>
      <td>
        <input type="checkbox" checked={picked} onChange={() => toggle(m.version)} aria-label={`compare v${m.version}`} />
      </td>
      <td title={m.description || undefined}>
        <a href={`#/models/v${m.version}`} data-testid={`model-link-${m.version}`}>
          v{m.version}
        </a>
      </td>
      <td>
        <span class={`stage ${m.stage}`}>{m.stage}</span>
        {m.aliases.map((a) => (
          <span class="stage alias" data-testid={`row-alias-${m.version}-${a}`}>
            {a}
          </span>
        ))}
      </td>
      <td class="tags">{Object.keys(m.tags).length > 0 ? <Trunc testId={`tags-${m.version}`} text={Object.entries(m.tags).map(([k, v]) => `${k}=${v}`).join(', ')} /> : '–'}</td>
      <td class="nowrap">{m.trigger || '–'}</td>
      <td class="num">{pct(w)}</td>
      <td class={`num ${w !== null && sn !== null ? (w < sn ? 'better' : 'worse') : ''}`}>{pct(sn)}</td>
      <td class={`num ${w !== null && ch !== null ? (w < ch ? 'better' : 'worse') : ''}`}>{pct(ch)}</td>
      <td class="nowrap">{m.dataMaxWeek || '–'}</td>
      <td class="num">{fmt(m.dataRows)}</td>
      <td class="nowrap">{dateTime(m.trainedAt)}</td>
      <td class="nowrap">
        <button class="secondary" data-testid={`edit-${m.version}`} onClick={() => edit(m.version)}>
          Edit
        </button>{' '}
        {m.stage !== 'champion' && m.stage !== 'failed' ? (
          <button class="secondary" data-testid={`promote-${m.version}`} onClick={() => void promote(m.version)}>
            Promote
          </button>
        ) : null}
      </td>
    </tr>
  );
}
