import type uPlot from 'uplot';
import { Chart, COLORS } from '../chart.js';
import { fmt, time } from '../format.js';
import { live, type LiveState } from '../live.js';
import { useStore } from '../store.js';

const line = (label: string, i: number, extra: Partial<uPlot.Series> = {}): uPlot.Series => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, ...extra });

/** Components' health, headline counts, and throughput / lag / latency sparklines. */
export function StatusView() {
  const s = useStore(live);
  const t = s.totals;
  const m = s.model;
  return (
    <div class="grid">
      {m?.lastFailure ? (
        <div class="banner bad" data-testid="load-failure">
          Model v{m.lastFailure.version} failed to load on this gateway: {m.lastFailure.reason}
          {m.serving != null ? ` — v${m.serving} keeps serving.` : ''}
        </div>
      ) : null}
      <div class="grid cards">
        <Card k="rows in ClickHouse" v={fmt(t?.rows)} id="rows-count" />
        <Card k="series" v={fmt(t?.series)} id="series-count" />
        <Card k="latest week" v={t?.latestWeek ?? '–'} id="status-latest-week" />
        <Card k="champion / serving" v={`${m?.champion != null ? `v${m.champion}` : '–'} / ${m?.serving != null ? `v${m.serving}` : '–'}`} id="champion" />
        <DeadLetterCard n={t?.deadLetters ?? null} />
        <Card k="predictions served" v={fmt(t?.predictions)} id="predictions-count" />
      </div>
      <ComponentsPanel list={s.components} />
      <Charts s={s} />
    </div>
  );
}

/** Each component's health: a dot (ok, down, not known yet), its name and detail. */
function ComponentsPanel({ list }: { list: LiveState['components'] }) {
  return (
    <div class="panel">
      <h3>Components</h3>
      <div class="components" data-testid="components">
        {list.length === 0 ? <span class="muted">checking…</span> : null}
        {list.map((x) => (
          <div class="component">
            <span class={`dot ${x.ok === true ? 'ok' : x.ok === false ? 'bad' : 'wait'}`} />
            <b>{x.name}</b>
            <div class="d">{x.detail}</div>
          </div>
        ))}
      </div>
    </div>
  );
}

/** Throughput by topic, consumer lag, predict latency and request rate, rows in ClickHouse: the status columns as sparklines. */
function Charts({ s }: { s: LiveState }) {
  const c = s.columns;
  return (
    <div class="grid cols-2">
      <div class="panel">
        <h3>Events per second by topic</h3>
        <Chart
          testId="chart-events"
          version={s.version}
          data={[c.t, c.sales, c.requests, c.trained, c.promoted, c.dead] as uPlot.AlignedData}
          series={[line('sales.weekly', 0), line('training.requests', 2), line('model.trained', 1), line('model.promoted', 4), line('dead letters', 3)]}
          zero
        />
      </div>
      <div class="panel">
        <h3>Consumer lag (messages)</h3>
        <Chart testId="chart-lag" version={s.version} data={[c.t, c.matLag, c.gwLag] as uPlot.AlignedData} series={[line('materializer', 0), line('gateway state', 1)]} zero />
      </div>
      <div class="panel">
        <h3>Predict latency (ms) and requests/s</h3>
        <Chart
          testId="chart-latency"
          version={s.version}
          data={[c.t, c.p50, c.p99, c.rps] as uPlot.AlignedData}
          series={[line('p50 ms', 1, { scale: 'ms' }), line('p99 ms', 3, { scale: 'ms' }), line('req/s', 0, { scale: 'rps' })]}
          axes={[{ scale: 'ms', label: 'ms', size: 50 }, { scale: 'rps', side: 1, label: 'req/s', size: 50, grid: { show: false } }]}
          scales={{ ms: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] }, rps: { range: (_u, _min, max) => [0, Math.max(10, max ?? 10)] } }}
        />
      </div>
      <div class="panel">
        <h3>Rows in ClickHouse</h3>
        <Chart testId="chart-rows" version={s.version} data={[c.t, c.rows] as uPlot.AlignedData} series={[line('rows', 0)]} yLabel="rows" zero />
        <p class="muted">Last update {time(s.lastTickAt)} · first week {s.totals?.firstWeek ?? '–'}</p>
      </div>
    </div>
  );
}

/** The dead-letter count as an alert: any letter means a consumer refused a message, and the tile says so and links to them. */
function DeadLetterCard({ n }: { n: number | null }) {
  const alert = n !== null && n > 0;
  return (
    <div class={`panel card ${alert ? 'warn' : ''}`} data-testid="dead-letters-card" data-state={alert ? 'warn' : 'ok'}>
      <div class="k">dead letters</div>
      <div class="v" data-testid="dead-letters">
        {fmt(n)}
      </div>
      {alert ? (
        <a href="#/dead-letters" class="alert-link">
          {n === 1 ? 'a message was refused' : 'messages were refused'}: review
        </a>
      ) : null}
    </div>
  );
}

function Card({ k, v, id }: { k: string; v: string; id: string }) {
  return (
    <div class="panel card">
      <div class="k">{k}</div>
      <div class="v" data-testid={id}>
        {v}
      </div>
    </div>
  );
}
