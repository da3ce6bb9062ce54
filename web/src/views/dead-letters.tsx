import { useEffect, useState } from 'preact/hooks';
import { say, write } from '../actions.js';
import { api } from '../api.js';
import { dateTime, plural } from '../format.js';
import { live } from '../live.js';
import { useStore } from '../store.js';
import { DataTable, type Column } from '../table.js';
import type { DeadLetter, DeadLetterListing as Listing } from '../api-types.js';
import { groupDeadLetters, originTopics, prettyRecord, type Group } from '../dead-letter-groups.js';


const consumers = (m: DeadLetter) => [...new Set(m.letters.map((l) => l.consumer))].join(', ');
const firstAt = (m: DeadLetter) => m.letters[0]?.at ?? '';
const when = (iso: string) => (iso ? dateTime(Date.parse(iso)) : '–');

/** The dead-letter listing, asked again whenever the live count of dead letters moves (a consumer refused a message). */
function useDeadLetters(): { list: Listing | null; err: string | null; refresh(): Promise<void> } {
  const s = useStore(live);
  const [list, setList] = useState<Listing | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const refresh = () =>
    api<Listing>('GET', '/v1/dead-letters').then(
      (r) => {
        setList(r);
        setErr(null);
      },
      (e: Error) => setErr(e.message),
    );
  useEffect(() => void refresh(), [s.totals?.deadLetters]);
  return { list, err, refresh };
}

/** Dead-lettered messages with why they were refused; pick one to see its record, re-drive it after a fix. */
export function DeadLettersView() {
  const { list, err, refresh } = useDeadLetters();
  const [picked, setPicked] = useState<string | null>(null);
  const [checked, setChecked] = useState<string[]>([]);
  const redrive = async (ids: string[], force: boolean) => {
    const r = await write<{ redriven: string[] }>('/v1/dead-letters/redrive', { ids, ...(force ? { force } : {}) });
    if (!r) return;
    say(`Re-drove ${plural(r.redriven.length, 'message')} to their origin topic; the re-drive is recorded`);
    setChecked([]);
    await refresh();
  };
  const rows = list?.messages ?? [];
  const origins = originTopics(rows);
  const shown = rows.find((m) => m.id === picked) ?? null;
  const toggle = (id: string) => setChecked((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  return (
    <div class="grid">
      {err ? <div class="banner bad">{err}</div> : null}
      {list && rows.length > 0 ? <Summary list={list} origins={origins} /> : null}
      <ByTopic rows={rows} />
      <div class="panel">
        <div class="row" style="justify-content:space-between">
          <h3 data-testid="dlq-title">
            {!list ? 'Dead letters…' : rows.length === 0 ? `No dead letter on ${list.topic}` : `Refused messages from ${origins.join(', ')}: ${plural(list.total, 'message')}`}
          </h3>
          <div class="row">
            <button class="secondary" data-testid="dlq-refresh" onClick={() => void refresh()}>
              Refresh
            </button>
            <button data-testid="dlq-redrive-checked" disabled={checked.length === 0} onClick={() => void redrive(checked, false)}>
              Re-drive {checked.length} selected
            </button>
          </div>
        </div>
        <DataTable columns={columns(checked, toggle)} rows={rows} testId="dlq-table" csvName="dead-letters" rowKey={(m) => m.id} rowTestId="dlq-row" selected={picked} onActivate={(m) => setPicked(m.id)} />
        {list && rows.length === 0 ? <p class="muted">No dead letter: every consumer accepted every message.</p> : <p class="muted">Click a row (or Tab to it and press Enter) to see its letters and record.</p>}
      </div>
      {shown ? <Detail m={shown} onRedrive={(force) => void redrive([shown.id], force)} /> : null}
    </div>
  );
}

/** How many letters about how many messages, from which topics, kept where. */
function Summary({ list, origins }: { list: Listing; origins: string[] }) {
  const letters = list.messages.reduce((n, m) => n + m.letters.length, 0);
  return (
    <div class="banner warn" role="status" data-testid="dlq-summary">
      <b>
        {plural(letters, 'letter')} about {plural(list.total, 'refused message', 'refused messages')}
      </b>{' '}
      from {origins.map((t, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <code>{t}</code>
        </>
      ))}
      , kept on <code>{list.topic}</code>. Fix the cause, then re-drive them.
    </div>
  );
}

function columns(checked: string[], toggle: (id: string) => void): Column<DeadLetter>[] {
  return [
    {
      header: 'pick',
      cell: (m) => <input type="checkbox" checked={checked.includes(m.id)} onClick={(e) => e.stopPropagation()} onChange={() => toggle(m.id)} aria-label={`select ${m.id}`} />,
    },
    { header: 'message', csv: (m) => m.id, long: true },
    { header: 'topic', csv: (m) => m.origin.topic, long: true },
    { header: 'key', csv: (m) => m.key, nowrap: true },
    { header: 'refused by', csv: consumers, long: true },
    { header: 'reason', csv: (m) => m.letters[0]?.reason ?? '', long: true },
    { header: 'dead-lettered at', csv: firstAt, cell: (m) => when(firstAt(m)), nowrap: true },
    { header: 're-driven', csv: (m) => m.redriven.at(-1)?.at ?? null, nowrap: true, cell: (m) => (m.redriven.length > 0 ? `${m.redriven.length}x, last ${when(m.redriven.at(-1)!.at)}` : <span class="muted">no</span>) },
  ];
}

const GROUP_COLUMNS: Column<Group>[] = [
  { header: 'topic', csv: (g) => g.topic, long: true },
  { header: 'reason', csv: (g) => g.reason },
  { header: 'messages', num: true, csv: (g) => g.messages },
  { header: 'letters', num: true, csv: (g) => g.letters },
  { header: 'latest', csv: (g) => g.last, cell: (g) => when(g.last), nowrap: true },
];

/** The same messages grouped by origin topic and kind of reason, with counts and the latest time: what to fix first. */
function ByTopic({ rows }: { rows: DeadLetter[] }) {
  const groups = groupDeadLetters(rows);
  if (groups.length === 0) return null;
  return (
    <div class="panel">
      <h3>By source topic and reason</h3>
      <DataTable columns={GROUP_COLUMNS} rows={groups} testId="dlq-groups" csvName="dead-letters-by-reason" rowKey={(g) => `${g.topic}:${g.reason}`} />
    </div>
  );
}

const LETTER_COLUMNS: Column<DeadLetter['letters'][number]>[] = [
  { header: 'consumer', csv: (l) => l.consumer },
  { header: 'at', csv: (l) => l.at, cell: (l) => when(l.at), nowrap: true },
  { header: 'reason', csv: (l) => l.reason },
  { header: 'dead-letter offset', num: true, csv: (l) => l.dlqOffset },
];

function Detail({ m, onRedrive }: { m: DeadLetter; onRedrive: (force: boolean) => void }) {
  const again = m.redriven.length > 0;
  return (
    <div class="panel" data-testid="dlq-detail">
      <div class="row" style="justify-content:space-between">
        <h3>
          {m.id} (key {m.key ?? 'none'}, {plural(m.bytes, 'byte')}, {plural(m.letters.length, 'letter')})
        </h3>
        <button data-testid="dlq-redrive" onClick={() => onRedrive(again)}>
          {again ? 'Re-drive again' : 'Re-drive to its topic'}
        </button>
      </div>
      <DataTable columns={LETTER_COLUMNS} rows={m.letters} testId="dlq-letters" csvName={`letters-${m.id.replace(/[^A-Za-z0-9.-]+/g, '-')}`} rowKey={(l) => l.dlqOffset} />
      {m.redriven.map((r) => (
        <p class="muted" data-testid="dlq-redriven">
          re-driven {when(r.at)} by {r.by}
        </p>
      ))}
      <h3 style="margin-top:10px">Record</h3>
      {m.record ? <pre class="record" data-testid="dlq-record">{prettyRecord(m.record)}</pre> : <p class="muted">not decodable: {m.undecodable}</p>}
    </div>
  );
}
