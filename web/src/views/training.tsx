import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { dateTime, dur, pct, time, wapeOf } from '../format.js';
import { left, runningRun, type RunningRun } from '../now.js';
import { live } from '../live.js';
import { useStore } from '../store.js';
import type { ModelRow, RequestRow, TrainingLine } from '../../../domain/live/protocol.js';
import { DataTable, Trunc, type Column } from '../table.js';
import { Pager, SearchBar, useRunSearch } from '../run-search.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A row of the Runs table: a recorded run, or the one training now (decision 'running'). */
type RunRow = Pick<ModelRow, 'version' | 'trigger' | 'durationMs' | 'decision' | 'decisionReason' | 'trainedAt' | 'metrics'>;

/** Runs: version, trigger, duration, decision and why, when it finished. */
export const RUN_COLUMNS: Column<RunRow>[] = [
  { header: 'version', csv: (r) => r.version, cell: (r) => `v${r.version}`, sortKey: 'attributes.version' },
  { header: 'trigger', csv: (r) => r.trigger, sortKey: 'attributes.trigger' },
  { header: 'duration', num: true, csv: (r) => r.durationMs, cell: (r) => dur(r.durationMs), sortKey: 'attributes.duration_ms' },
  { header: 'decision', csv: (r) => r.decision, cell: (r) => <span class={`stage ${r.decision === 'promoted' ? 'champion' : r.decision}`}>{r.decision}</span>, nowrap: true, sortKey: 'attributes.decision' },
  { header: 'reason', csv: (r) => r.decisionReason, long: true },
  { header: 'finished', csv: (r) => iso(r.trainedAt), cell: (r) => dateTime(r.trainedAt), nowrap: true, sortKey: 'attributes.trained_at' },
  // last: the columns before it keep their places (CSV readers, tests that read a cell by position)
  { header: 'WAPE', num: true, csv: (r) => wapeOf(r.metrics, 'model'), cell: (r) => pct(wapeOf(r.metrics, 'model')), sortKey: 'metrics.wape' },
];

const REQUEST_COLUMNS: Column<RequestRow>[] = [
  { header: 'when', csv: (r) => iso(r.requestedAt), cell: (r) => dateTime(r.requestedAt), nowrap: true },
  { header: 'trigger', csv: (r) => r.trigger, nowrap: true },
  { header: 'reason', csv: (r) => r.reason, long: true },
  { header: 'by', csv: (r) => r.requestedBy, long: true },
  { header: 'run', csv: (r) => r.runId, cell: (r) => (r.runId ? <Trunc text={r.runId} /> : <span class="muted">pending</span>) },
];

/** Runs with trigger, duration, decision and reason; requests; the training log streaming. */
export function TrainingView() {
  const s = useStore(live);
  const liveRuns = [...s.models.models].filter((m) => m.trainedAt !== null).sort((a, b) => (b.trainedAt ?? 0) - (a.trainedAt ?? 0));
  const search = useRunSearch('runs', liveRuns);
  const running = runningRun(s.training, s.models.models);
  // the run training now leads the first page of the unfiltered list (it is not in the registry yet)
  const runs: RunRow[] = running && search.page === 0 && !search.filtered && !search.sort ? [runningRow(running, s.training), ...search.rows] : search.rows;
  return (
    <div class="grid">
      <TrainingLog lines={s.training} />
      <div class="grid cols-2">
        <div class="panel">
          <h3>Runs</h3>
          <SearchBar search={search} label="search runs" testId="runs-search" />
          <DataTable columns={RUN_COLUMNS} rows={runs} testId="runs-table" csvName="runs" rowKey={(r) => String(r.version)} search={search} />
          <Pager search={search} testId="runs-pager" />
        </div>
        <div class="panel">
          <h3>Requests</h3>
          <DataTable columns={REQUEST_COLUMNS} rows={s.models.requests} testId="requests-table" csvName="training-requests" rowKey={(r) => r.requestId} />
        </div>
      </div>
    </div>
  );
}

/** The run training now as a row of the Runs table: how long so far, its round and the time left. */
function runningRow(running: RunningRun, training: readonly TrainingLine[]): RunRow {
  return {
    version: running.version,
    trigger: '',
    durationMs: Math.max(0, (training.at(-1)?.at ?? running.startedAt) - running.startedAt),
    decision: 'running' as RunRow['decision'],
    decisionReason: `${running.round !== null ? `round ${running.round}/${running.of}` : 'starting'}${running.leftMs !== null ? `, ~${left(running.leftMs)} left` : ''}`,
    trainedAt: null,
    metrics: {},
  };
}

/** The training log: it opens at its live end and follows it, until the reader scrolls up or jumps to the start. */
function TrainingLog({ lines }: { lines: TrainingLine[] }) {
  const logRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [lines.length, follow]);
  const onScroll = () => {
    const el = logRef.current;
    if (el) setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  };
  const toStart = () => {
    setFollow(false);
    if (logRef.current) logRef.current.scrollTop = 0;
  };
  return (
    <div class="panel">
      <div class="row" style="justify-content:space-between">
        <h3>Training log</h3>
        <div class="row">
          <button class="secondary small" data-testid="log-start" onClick={toStart}>
            Jump to the start
          </button>
          <button class="secondary small" data-testid="log-follow" aria-pressed={follow} onClick={() => setFollow(true)}>
            {follow ? 'Following the end' : 'Follow the end'}
          </button>
        </div>
      </div>
      <div class="log" ref={logRef} data-testid="training-log" onScroll={onScroll} tabIndex={0} role="log" aria-label="training log">
        {lines.length === 0 ? <span class="muted">No training activity yet.</span> : null}
        {lines.map((l) => (
          <div class={l.level}>
            <span class="t">{time(l.at)}</span>
            {l.runId ? <span class="t">{l.runId.slice(0, 8)}</span> : null}
            {l.text}
          </div>
        ))}
      </div>
    </div>
  );
}
