import { useState } from 'preact/hooks';
import type { ModelRow } from '../../../domain/live/protocol.js';
import { say, write } from '../actions.js';
import { api } from '../api.js';
import { dateTime, dur } from '../format.js';
import { live } from '../live.js';
import { useStore } from '../store.js';
import { DataTable, type Column } from '../table.js';
import { TrainForm } from './train-form.js';
import type { Schedule } from '../api-types.js';
import { usePoll } from '../poll.js';


// the next tick is at most a minute away from changing for a cron of minutes; a slow poll keeps "in" honest enough
const REFRESH_MS = 30_000;

/** How long until `iso`, in words ("in 3 h 20 min"). */
function until(iso: string, now: number): string {
  const min = Math.round((Date.parse(iso) - now) / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  return h < 48 ? `in ${h} h ${min % 60} min` : `in ${Math.round(h / 24)} days`;
}

/** The training schedule (Airflow parity): the next cron ticks, pause and resume as events, a run with parameters, the last runs. */
export function ScheduleView() {
  const [sched, setSched] = useState<Schedule | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const refresh = () =>
    api<Schedule>('GET', '/v1/schedule').then(
      (s) => {
        setSched(s);
        setErr(null);
      },
      (e: Error) => setErr(e.message),
    );
  usePoll(refresh, REFRESH_MS);
  return (
    <div class="grid">
      {err ? <div class="banner bad">{err}</div> : null}
      <div class="grid cols-2">
        <SchedulePanel sched={sched} onChange={setSched} />
        <TrainForm />
      </div>
      <LastRuns />
    </div>
  );
}

/** Cron, paused or running (with who, why and when), the pause / resume button, and the next ticks. */
function SchedulePanel({ sched, onChange }: { sched: Schedule | null; onChange: (s: Schedule) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    if (!sched) return;
    setBusy(true);
    try {
      const action = sched.paused ? 'resume' : 'pause';
      const r = await write<Schedule>(`/v1/schedule/${action}`, reason.trim() ? { reason: reason.trim() } : {});
      if (r) {
        onChange(r);
        setReason('');
        say(r.paused ? 'Schedule paused: cron ticks are skipped until it is resumed' : 'Schedule resumed');
      }
    } finally {
      setBusy(false);
    }
  };
  const now = Date.now();
  const next = (sched?.next ?? []).map((t, i) => ({ i: i + 1, at: t, paused: sched?.paused ?? false }));
  return (
    <div class="panel" data-testid="schedule-panel">
      <h3>Cron schedule</h3>
      {sched ? (
        <p>
          <code data-testid="schedule-cron">{sched.cron}</code> ({sched.timezone}) ·{' '}
          <span class={`stage ${sched.paused ? 'failed' : 'champion'}`} data-testid="schedule-state">
            {sched.paused ? 'paused' : 'running'}
          </span>
          {sched.changedAt ? (
            <span class="muted" data-testid="schedule-changed">
              {' '}
              {sched.paused ? 'paused' : 'resumed'} {dateTime(Date.parse(sched.changedAt))} by {sched.changedBy}
              {sched.reason ? `: ${sched.reason}` : ''}
            </span>
          ) : null}
        </p>
      ) : (
        <p class="muted">loading…</p>
      )}
      <div class="row">
        <label>
          reason (kept with the event)
          <input data-testid="schedule-reason" value={reason} maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <button data-testid="schedule-toggle" class={sched?.paused ? '' : 'danger'} disabled={!sched || busy} onClick={() => void toggle()}>
          {sched?.paused ? 'Resume the schedule' : 'Pause the schedule'}
        </button>
      </div>
      <h3 style="margin-top:12px">Next runs</h3>
      <DataTable columns={NEXT_COLUMNS(now)} rows={next} testId="next-runs" csvName="next-runs" rowKey={(r) => String(r.i)} />
    </div>
  );
}

type Tick = { i: number; at: string; paused: boolean };
const NEXT_COLUMNS = (now: number): Column<Tick>[] => [
  { header: '#', num: true, csv: (r) => r.i },
  { header: 'at (UTC)', csv: (r) => r.at, cell: (r) => r.at.replace('T', ' ').replace(/:00\.000Z$/, ''), nowrap: true },
  { header: 'local time', csv: (r) => dateTime(Date.parse(r.at)), nowrap: true },
  { header: 'when', csv: (r) => until(r.at, now) },
  { header: 'will', csv: (r) => (r.paused ? 'be skipped (paused)' : 'request a run'), cls: (r) => (r.paused ? 'worse' : '') },
];

/** Runs with their trigger, outcome and parameters, newest first. */
const LAST_RUN_COLUMNS: Column<ModelRow>[] = [
  { header: 'version', csv: (r) => r.version, cell: (r) => `v${r.version}` },
  { header: 'trigger', csv: (r) => r.trigger },
  { header: 'outcome', csv: (r) => r.decision, cell: (r) => <span class={`stage ${r.decision === 'promoted' ? 'champion' : r.decision}`}>{r.decision}</span> },
  { header: 'why', csv: (r) => r.decisionReason, long: true },
  { header: 'params', csv: (r) => JSON.stringify(r.params), cell: (r) => <code>{JSON.stringify(r.params)}</code>, long: true },
  { header: 'duration', num: true, csv: (r) => r.durationMs, cell: (r) => dur(r.durationMs) },
  { header: 'finished', csv: (r) => (r.trainedAt === null ? null : new Date(r.trainedAt).toISOString()), cell: (r) => dateTime(r.trainedAt), nowrap: true },
];

function LastRuns() {
  const s = useStore(live);
  const runs = s.models.models
    .filter((m) => m.trainedAt !== null)
    .sort((a, b) => (b.trainedAt ?? 0) - (a.trainedAt ?? 0))
    .slice(0, 20);
  return (
    <div class="panel">
      <h3>Last runs</h3>
      <DataTable columns={LAST_RUN_COLUMNS} rows={runs} testId="last-runs" csvName="last-runs" rowKey={(r) => String(r.version)} />
      {runs.length === 0 ? <p class="muted">No run yet.</p> : null}
    </div>
  );
}
