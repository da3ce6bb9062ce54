import { useEffect, useRef } from 'preact/hooks';
import { dateTime, dur, time } from '../format.js';
import { live } from '../live.js';
import { useStore } from '../store.js';

/** Runs with trigger, duration, decision and reason; requests; the training log streaming. */
export function TrainingView() {
  const s = useStore(live);
  const logRef = useRef<HTMLDivElement>(null);
  const runs = [...s.models.models].filter((m) => m.trainedAt !== null).sort((a, b) => (b.trainedAt ?? 0) - (a.trainedAt ?? 0));
  useEffect(() => {
    const el = logRef.current;
    // follow the tail unless the reader scrolled up
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [s.training.length]);
  return (
    <div class="grid">
      <div class="panel">
        <h3>Training log</h3>
        <div class="log" ref={logRef} data-testid="training-log">
          {s.training.length === 0 ? <span class="muted">No training activity yet.</span> : null}
          {s.training.map((l) => (
            <div class={l.level}>
              <span class="t">{time(l.at)}</span>
              {l.runId ? <span class="t">{l.runId.slice(0, 8)}</span> : null}
              {l.text}
            </div>
          ))}
        </div>
      </div>
      <div class="grid cols-2">
        <div class="panel">
          <h3>Runs</h3>
          <table data-testid="runs-table">
            <thead>
              <tr>
                <th>version</th>
                <th>trigger</th>
                <th class="num">duration</th>
                <th>decision</th>
                <th>reason</th>
                <th>finished</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr>
                  <td>v{r.version}</td>
                  <td>{r.trigger}</td>
                  <td class="num">{dur(r.durationMs)}</td>
                  <td>
                    <span class={`stage ${r.decision === 'promoted' ? 'champion' : r.decision}`}>{r.decision}</span>
                  </td>
                  <td>{r.decisionReason}</td>
                  <td>{dateTime(r.trainedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="panel">
          <h3>Requests</h3>
          <table data-testid="requests-table">
            <thead>
              <tr>
                <th>when</th>
                <th>trigger</th>
                <th>reason</th>
                <th>by</th>
                <th>run</th>
              </tr>
            </thead>
            <tbody>
              {s.models.requests.map((r) => (
                <tr>
                  <td>{dateTime(r.requestedAt)}</td>
                  <td>{r.trigger}</td>
                  <td>{r.reason}</td>
                  <td>{r.requestedBy}</td>
                  <td>{r.runId ? r.runId.slice(0, 8) : <span class="muted">pending</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
