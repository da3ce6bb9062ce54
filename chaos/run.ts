/**
 * `npm run chaos`: every scenario against the real services of isolated
 * stack instances (one at a time: the machine is shared), then the table.
 * Exits 1 when any scenario fails.
 *   --short        the short version (the one npm test runs)
 *   --only TEXT    only the scenarios whose name contains TEXT
 *   --ports BASE   port base of the instances (default 27000)
 *   --keep         leave the last instance running (a later run reuses it)
 */
import { parseArgs } from 'node:util';
import { createLogger, setLogLevel } from '../lib/log.js';
import { messageOf } from '../lib/errors.js';
import { instanceConfig, startInstance, stopInstance } from './instance.js';
import { runScenario, type Scenario, type ScenarioResult } from './scenario.js';
import { clusterSuite, shortSuite, singleNodeSuite } from './scenarios.js';
import { resultTable } from './table.js';

const log = createLogger('chaos');

/** Which instances to start (name, Kafka nodes) and the scenarios each runs. */
export function chaosPlan(short: boolean): { name: string; nodes: number; scenarios: Scenario[] }[] {
  if (short) return [{ name: 'chaos-short', nodes: 3, scenarios: shortSuite() }];
  return [
    { name: 'chaos-1', nodes: 1, scenarios: singleNodeSuite() },
    { name: 'chaos-3', nodes: 3, scenarios: clusterSuite() },
  ];
}

/** Runs the plan; each instance is stopped and its data removed even when a scenario fails. */
export async function runChaos(opts: { short: boolean; only?: string; portBase: number; keep?: boolean }): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const plan = chaosPlan(opts.short);
  for (const step of plan) {
    const scenarios = step.scenarios.filter((s) => !opts.only || s.name.toLowerCase().includes(opts.only.toLowerCase()));
    if (scenarios.length === 0) continue;
    const inst = instanceConfig(step.name, opts.portBase, step.nodes);
    log.info(`starting instance ${step.name} (${step.nodes} Kafka node${step.nodes > 1 ? 's' : ''}, data in ${inst.cfg.stackDir})`);
    try {
      await startInstance(inst);
      for (const s of scenarios) {
        log.info(`scenario: ${s.name}`);
        const r = await runScenario(inst, s);
        log.info(`${s.name}: ${r.ok ? 'pass' : `FAIL ${r.error ?? ''}`} (${r.rows}/${r.events} rows, recovered in ${r.recoverS.toFixed(1)} s)`);
        results.push(r);
      }
    } catch (err) {
      results.push({ scenario: `${step.name} instance`, events: 0, rows: 0, checksumEqual: false, restarts: 0, recoverS: NaN, alive: false, ok: false, error: messageOf(err) });
    } finally {
      // instances share ports, so only the last one may stay up
      if (!opts.keep || step !== plan.at(-1)) await stopInstance(inst);
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { short: { type: 'boolean' }, only: { type: 'string' }, ports: { type: 'string' }, keep: { type: 'boolean' } } });
  setLogLevel('info');
  runChaos({ short: values.short ?? false, only: values.only, portBase: Number(values.ports ?? 27000), keep: values.keep ?? false }).then(
    (results) => {
      process.stdout.write(`\n${resultTable(results)}\n`);
      process.exit(results.length > 0 && results.every((r) => r.ok) ? 0 : 1);
    },
    (err: unknown) => {
      log.error(messageOf(err));
      process.exit(1);
    },
  );
}
