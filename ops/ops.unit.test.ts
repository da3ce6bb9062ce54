/**
 * The observability files in ops/: Prometheus accepts its config and alert
 * rules and the rules pass their unit tests (promtool, from Debian's
 * prometheus package), Alertmanager accepts its config (amtool, Debian's
 * prometheus-alertmanager), the metrics follow Prometheus's naming
 * conventions, and every metric the Grafana dashboard and the alerts query is
 * one the code exports, with the right type for the function applied to it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createMetrics } from '../gateway/metrics.js';
import { createLogger } from '../lib/log.js';
import { createProcessMetrics } from '../lib/process/metrics-server.js';

interface Panel {
  title: string;
  targets: { expr: string }[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } }[] };
}
const dashboard = (): Dashboard => JSON.parse(readFileSync('ops/grafana/dashboards/forecast.json', 'utf8')) as Dashboard;
const alertsText = () => readFileSync('ops/prometheus/alerts.yml', 'utf8').replace(/^\s*#.*$/gm, '');

/** Our metrics (name -> prom-client type) from both registries, without prom-client's default metrics. */
async function ourMetrics(): Promise<Map<string, string>> {
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  const builtIn = new Set((await defaults.getMetricsAsJSON()).map((m) => m.name));
  const stackDir = mkdtempSync(join(tmpdir(), 'ops-metrics-'));
  const out = new Map<string, string>();
  for (const r of [createMetrics(stackDir).registry, createProcessMetrics('test', stackDir, createLogger('ops-test')).registry]) {
    for (const m of await r.getMetricsAsJSON()) if (!builtIn.has(m.name)) out.set(m.name, String(m.type));
  }
  return out;
}

/** Naming rules of https://prometheus.io/docs/practices/naming/ as this project applies them; the problems found. */
export function namingProblems(metrics: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, type] of metrics) {
    if (!name.startsWith('wsm_')) problems.push(`${name}: expected the application prefix wsm_`);
    if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: a counter, expected a name ending in _total`);
    if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: a ${type}, expected no _total suffix (only counters have it)`);
  }
  return problems;
}

/** Our metric names in PromQL text; histograms are queried through their _bucket/_count/_sum series. */
function queried(text: string): string[] {
  return [...text.matchAll(/\b(wsm_[a-z_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''));
}

/** Metrics that rate(), irate() or increase() is applied to in PromQL text but that are not counters or histograms. */
export function rateOnGauges(text: string, metrics: ReadonlyMap<string, string>): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/\b(rate|irate|increase)\(\s*(wsm_[a-z_]+)/g)) {
    const name = m[2]!.replace(/_(bucket|count|sum)$/, '');
    const type = metrics.get(name);
    if (type !== 'counter' && type !== 'histogram') bad.push(`${m[1]}(${m[2]}): ${name} is a ${type ?? 'metric the code does not export'}`);
  }
  return bad;
}

function run(cmd: string, args: string[], pkg: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.error, undefined, `${cmd} is installed (Debian ${pkg})`);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
}

describe('ops/ (Prometheus, Alertmanager and Grafana)', () => {
  it('promtool accepts the Prometheus config and the alert rules', () => {
    run('promtool', ['check', 'config', 'ops/prometheus/prometheus.yml'], 'prometheus');
    run('promtool', ['check', 'rules', 'ops/prometheus/alerts.yml'], 'prometheus');
  });

  it('the alert rules pass their promtool unit tests (each alert fires when it should, and only then)', () => {
    run('promtool', ['test', 'rules', 'ops/prometheus/alerts.test.yml'], 'prometheus');
  });

  it('the alerts cover a target down, a failed training, a failed model load and the 5xx error budget', () => {
    const names = [...alertsText().matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    for (const a of ['TargetDown', 'TrainingFailed', 'ModelLoadFailed', 'ErrorBudgetBurn']) assert.ok(names.includes(a), `alert ${a} is defined`);
    const tested = readFileSync('ops/prometheus/alerts.test.yml', 'utf8');
    for (const a of names) assert.match(tested, new RegExp(`alertname: ${a}\\b`), `${a} has a promtool unit test`);
  });

  it('amtool accepts the Alertmanager config, and Prometheus sends its alerts there', () => {
    run('amtool', ['check-config', 'ops/alertmanager/alertmanager.yml'], 'prometheus-alertmanager');
    assert.match(readFileSync('ops/alertmanager/alertmanager.yml', 'utf8'), /webhook_configs:\n\s+- url: http/);
    assert.match(readFileSync('ops/prometheus/prometheus.yml', 'utf8'), /alertmanagers:[\s\S]*alertmanager:9093/);
  });

  it('every metric has the wsm_ prefix, counters end in _total and nothing else does', async () => {
    const metrics = await ourMetrics();
    assert.ok(metrics.size >= 15, `both registries read (${metrics.size} metrics)`);
    assert.deepEqual(namingProblems(metrics), []);
  });

  it('the naming check refuses a counter without _total, a gauge with it and a name without the prefix', () => {
    const problems = namingProblems(new Map([['wsm_restarts', 'counter'], ['wsm_lag_total', 'gauge'], ['process_restarts_total', 'counter']]));
    assert.deepEqual(problems, [
      'wsm_restarts: a counter, expected a name ending in _total',
      'wsm_lag_total: a gauge, expected no _total suffix (only counters have it)',
      'process_restarts_total: expected the application prefix wsm_',
    ]);
  });

  it('the dashboard and the alerts query only metrics the code exports, and rate/increase only counters', async () => {
    const metrics = await ourMetrics();
    const d = dashboard();
    assert.ok(d.panels.length >= 6);
    const texts = [...d.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))), { where: 'alerts.yml', expr: alertsText() }];
    for (const { where, expr } of texts) {
      const used = queried(expr);
      assert.ok(used.length > 0, `${where} queries one of our metrics`);
      for (const n of used) assert.ok(metrics.has(n), `${where}: ${n} is exported by the code (known: ${[...metrics.keys()].sort().join(', ')})`);
      assert.deepEqual(rateOnGauges(expr, metrics), [], where);
    }
  });

  it('the rate check refuses increase() on a gauge', () => {
    const metrics = new Map([['wsm_lag_messages', 'gauge'], ['wsm_rows_total', 'counter']]);
    assert.deepEqual(rateOnGauges('increase(wsm_lag_messages[5m]) + rate(wsm_rows_total[1m])', metrics), ['increase(wsm_lag_messages): wsm_lag_messages is a gauge']);
  });

  it('the dashboard has service and model version variables, and its panels use them', () => {
    const d = dashboard();
    const vars = d.templating.list.map((v) => v.name);
    assert.deepEqual(vars, ['service', 'model_version']);
    const exprs = d.panels.flatMap((p) => p.targets.map((t) => t.expr));
    assert.ok(exprs.filter((e) => e.includes('service=~"$service"')).length >= 8, 'most panels filter by $service');
    assert.ok(exprs.some((e) => e.includes('model_version=~"$model_version"')), 'a panel filters by $model_version');
  });
});
