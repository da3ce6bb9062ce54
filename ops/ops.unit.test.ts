/**
 * The observability files in ops/: Prometheus accepts its config and alert
 * rules (promtool, from Debian's prometheus package), and every metric the
 * Grafana dashboard and the alerts query is one the code exports.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/** Metric names the code registers (prom-client `name: '...'`). */
function exported(): Set<string> {
  const names = new Set<string>();
  for (const f of ['gateway/metrics.ts', 'lib/metrics-server.ts']) {
    for (const m of readFileSync(f, 'utf8').matchAll(/name: '([a-z_]+)'/g)) names.add(m[1]!);
  }
  return names;
}

/** Our metric names used in PromQL text (histograms are queried through their _bucket series). */
function queried(text: string): string[] {
  const ours = /\b((?:gateway|consumer|projection|dead_letters|training|process|supervised)_[a-z_]+)\b/g;
  return [...text.matchAll(ours)].map((m) => m[1]!.replace(/_bucket$/, ''));
}

describe('ops/ (Prometheus and Grafana)', () => {
  it('promtool accepts the Prometheus config and the alert rules', () => {
    for (const args of [['check', 'config', 'ops/prometheus/prometheus.yml'], ['check', 'rules', 'ops/prometheus/alerts.yml']]) {
      const r = spawnSync('promtool', args, { encoding: 'utf8' });
      assert.equal(r.error, undefined, 'promtool is installed (npm test installs Debian prometheus when missing)');
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
  });

  it('the dashboard and the alerts query only metrics the code exports', () => {
    const names = exported();
    const dashboard = JSON.parse(readFileSync('ops/grafana/dashboards/forecast.json', 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    assert.ok(dashboard.panels.length >= 6);
    const texts = [...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))), { where: 'alerts.yml', expr: readFileSync('ops/prometheus/alerts.yml', 'utf8').replace(/^\s*#.*$/gm, '') }];
    for (const { where, expr } of texts) {
      const used = queried(expr);
      if (where !== 'alerts.yml') assert.ok(used.length > 0, `${where} queries one of our metrics`);
      for (const n of used) assert.ok(names.has(n), `${where}: ${n} is exported by the code (known: ${[...names].sort().join(', ')})`);
    }
  });
});
