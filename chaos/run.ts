/**
 * `npm run chaos`: every scenario against the real services of isolated
 * stack instances (one at a time: the machine is shared), then the table.
 * Exits 1 when any scenario fails, 2 on a bad option. `--help` lists the options.
 */
import { runCli, UsageError, type CliArgs } from '../lib/process/cli.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { messageOf } from '../lib/errors.js';
import { instanceConfig, startInstance, stopInstance } from './instance.js';
import { runScenario, type Scenario, type ScenarioResult } from './scenario.js';
import { clusterSuite, shortSuite, singleNodeSuite } from './scenarios.js';
import { resultTable } from './table.js';

const log = createLogger('chaos');
const DEFAULT_PORTS = 27000;

/** Which instances to start (name, Kafka nodes) and the scenarios each runs. */
export function chaosPlan(short: boolean): { name: string; nodes: number; scenarios: Scenario[] }[] {
  if (short) return [{ name: 'chaos-short', nodes: 3, scenarios: shortSuite() }];
  return [
    { name: 'chaos-1', nodes: 1, scenarios: singleNodeSuite() },
    { name: 'chaos-3', nodes: 3, scenarios: clusterSuite() },
  ];
}

export interface ChaosOptions {
  short: boolean;
  /** only the scenarios whose name contains this text (any case) */
  only?: string;
  /** only the scenario with this id (`broker-loss`, ...) */
  scenario?: string;
  /** each selected scenario this many times in a row on the same instance (default 1) */
  repeat?: number;
  portBase: number;
  keep?: boolean;
}

/** The ids of every scenario of the full suite, for the help and for a wrong `--scenario`. */
export function scenarioIds(): string[] {
  return chaosPlan(false).flatMap((step) => step.scenarios.map((s) => s.id));
}

/** Runs the plan; each instance is stopped and its data removed even when a scenario fails. */
export async function runChaos(opts: ChaosOptions): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const plan = chaosPlan(opts.short);
  const repeat = opts.repeat ?? 1;
  for (const step of plan) {
    const scenarios = step.scenarios.filter((s) => (!opts.only || s.name.toLowerCase().includes(opts.only.toLowerCase())) && (!opts.scenario || s.id === opts.scenario));
    if (scenarios.length === 0) continue;
    // another port base gets its own folder too: two runs at once (several developers) never share data
    const inst = instanceConfig(opts.portBase === DEFAULT_PORTS ? step.name : `${step.name}-${opts.portBase}`, opts.portBase, step.nodes);
    log.info(`starting instance ${inst.name} (${step.nodes} Kafka node${step.nodes > 1 ? 's' : ''}, data in ${inst.cfg.stackDir})`);
    try {
      await startInstance(inst);
      for (const make of scenarios) {
        for (let run = 1; run <= repeat; run++) {
          // a scenario's fault sets what its `after` needs anew each run, so the same one can run again
          const s = repeat > 1 ? { ...make, name: `${make.name} #${run}` } : make;
          log.info(`scenario: ${s.name}`);
          const r = await runScenario(inst, s);
          log.info(`${s.name}: ${r.ok ? 'pass' : `FAIL ${r.error ?? ''}`} (${r.rows}/${r.events} rows, ${r.restarts} restarts, recovered in ${r.recoverS.toFixed(1)} s, longest pause ${r.pauseS?.toFixed(1) ?? '-'} s)`);
          results.push(r);
        }
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

export const USAGE = `Usage: npm run chaos -- [options]

Fault injection on an isolated stack instance (its own data and ports, never
the shared dev stack): each scenario streams sales, strikes once, and passes
when the projection equals the log, every process is alive, and the
scenario's own target (if any) is met.

Options:
  --scenario ID   only this scenario; ID is one of:
                  ${scenarioIds().join(', ')}
  --only TEXT     only the scenarios whose name contains TEXT
  --repeat N      run each selected scenario N times in a row on one instance
                  (each run is reported; default 1)
  --short         the short suite npm test runs (materializer kill, broker loss)
  --ports BASE    port base of the instances (default 27000)
  --keep          leave the last instance running (a later run reuses it)
  -h, --help      this text

Example: npm run chaos -- --scenario broker-loss --repeat 10`;

const OPTIONS = {
  short: { type: 'boolean' },
  only: { type: 'string' },
  scenario: { type: 'string' },
  repeat: { type: 'string' },
  ports: { type: 'string' },
  keep: { type: 'boolean' },
} as const;

/** The options of the command line (lib/process/cli.ts parsed the flags); throws a UsageError that says which is wrong and what was expected. */
export function chaosOptions(values: { short?: boolean; only?: string; scenario?: string; repeat?: string; ports?: string; keep?: boolean }): ChaosOptions {
  const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError('--repeat', `expected a whole number of runs, 1 or more, got '${values.repeat}'`);
  const ports = values.ports === undefined ? DEFAULT_PORTS : Number(values.ports);
  if (!Number.isInteger(ports) || ports < 1024 || ports > 32000) throw new UsageError('--ports', `expected a port base from 1024 to 32000 (below the ephemeral range), got '${values.ports}'`);
  if (values.scenario !== undefined && !scenarioIds().includes(values.scenario)) throw new UsageError('--scenario', `expected one of ${scenarioIds().join(', ')}, got '${values.scenario}'`);
  if (values.short && values.scenario && !chaosPlan(true).some((p) => p.scenarios.some((s) => s.id === values.scenario))) {
    throw new UsageError('--scenario', `'${values.scenario}' is not in the short suite (${chaosPlan(true).flatMap((p) => p.scenarios.map((s) => s.id)).join(', ')})`);
  }
  return { short: values.short ?? false, only: values.only, scenario: values.scenario, repeat, portBase: ports, keep: values.keep ?? false };
}

async function main(args: CliArgs): Promise<number> {
  const opts = chaosOptions(args.values as Parameters<typeof chaosOptions>[0]);
  setLogLevel('info');
  const results = await runChaos(opts);
  process.stdout.write(`\n${resultTable(results)}\n`);
  return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) runCli(main, { usage: USAGE, options: OPTIONS, positionals: false });
