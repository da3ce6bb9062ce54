import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../lib/config.js';
import { gatewayTokenNotice } from '../lib/process/gateway-token.js';
import { runCli, UsageError, type CliArgs } from '../lib/process/cli.js';
import { createLogger, setLogLevel } from '../lib/log.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { installPythonTestTools, installStack, installTestTools } from './install.js';
import { kafkaNodeName, services } from './services.js';
import { logFile, runningPid, startService, stopService } from './processes.js';
import { Supervisor } from './supervisor.js';

const log = createLogger('stack');
const USAGE = `usage: npm run stack -- <command>
  install   install what is missing (Kafka and Apicurio from Maven Central, ClickHouse from apt, the Python venv)
  up        install, start Kafka, the schema registry and ClickHouse, create topics, register schemas
            --brokers 3: a 3-node KRaft cluster (same as KAFKA_NODES=3; topics get 3 replicas, 2 in sync)
            --clickhouse-shards 2: ZooKeeper and 2 ClickHouse shard servers on their own ports and data
            (same as CLICKHOUSE_SHARDS=2; tables ON CLUSTER forecast_cluster, docs/operations.md)
  down      stop every service this stack started
  status    show each service's health
  logs [s]  print the last lines of a service's log (kafka, registry, clickhouse)
  demo      up, then run the simulator, materializer, trainer and gateway until Ctrl-C (npm start)
  test      up, run typecheck, lint and every test, then stop what it started (npm test)
  unit      only the unit tests (pure logic): no stack, no installs (npm run test:unit)
  -h, --help  this text`;
const COMMANDS = ['install', 'up', 'down', 'status', 'logs', 'demo', 'test', 'unit'];

/** Starts the services that are not running; returns the names it started. */
async function up(cfg: Readonly<Config>): Promise<string[]> {
  installStack(cfg, log);
  const started: string[] = [];
  for (const svc of services(cfg)) {
    let shown = 0;
    const fresh = await startService(cfg, svc, (s) => {
      if (s >= shown + 10) {
        shown = s;
        log.info(`waiting for ${svc.name} (${s}s)`);
      }
    });
    if (fresh) started.push(svc.name);
    log.info(`${svc.name}: ${fresh ? 'started' : 'already running'} (log: ${logFile(cfg, svc.name)})`);
  }
  await bootstrapContracts(cfg);
  log.info(`topics created and schemas registered at ${cfg.registry.url}`);
  return started;
}

async function down(cfg: Readonly<Config>, only?: string[]): Promise<void> {
  const names = [...services(cfg)].reverse().map((s) => s.name);
  // nodes of a cluster started with --brokers are stopped even when this call did not get the flag
  for (let i = 8; i >= cfg.kafka.nodes; i--) if (runningPid(cfg, kafkaNodeName(i)) !== null) names.splice(names.indexOf('kafka'), 0, kafkaNodeName(i));
  // and the ClickHouse servers of the other mode (single server or shards), shard servers before their ZooKeeper
  const other = ['clickhouse', ...Array.from({ length: 9 }, (_, i) => `clickhouse-shard-${9 - i}`), 'zookeeper'];
  for (const name of other) if (!names.includes(name) && runningPid(cfg, name) !== null) names.push(name);
  for (const name of names) {
    if (only && !only.includes(name)) continue;
    if (await stopService(cfg, name)) log.info(`${name}: stopped`);
  }
}

async function status(cfg: Readonly<Config>): Promise<boolean> {
  let allOk = true;
  for (const svc of services(cfg)) {
    const pid = runningPid(cfg, svc.name);
    const ok = await svc.healthy();
    allOk &&= ok;
    const ports = svc.ports.map((p) => p.port).join(',');
    process.stdout.write(`${svc.name.padEnd(18)} ${ok ? 'healthy  ' : 'DOWN     '} ports ${ports.padEnd(12)} ${pid ? `pid ${pid}` : 'not started by this stack'}\n`);
  }
  return allOk;
}

/** Runs a child process with inherited output; resolves its exit code. */
function runInherit(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Every test file of the project: unit tests first (fast feedback), then integration tests. */
function findTests(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'dist') continue;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.test.ts') || e.name.endsWith('.test.tsx')) found.push(rel);
    }
  };
  walk('');
  const unit = found.filter((f) => !f.includes('.int.test.')).sort();
  return [...unit, ...found.filter((f) => f.includes('.int.test.')).sort()];
}

/** The unit tests in one process (stack/unit-entry.ts says why). */
function unitTestArgv(cfg: Readonly<Config>): string[] {
  const files = findTests(cfg.root).filter((f) => !f.includes('.int.test.')).map((f) => join(cfg.root, f));
  return ['node', '--import', 'tsx', join(cfg.root, 'stack/unit-entry.ts'), ...files];
}

function splitArgv(argv: string[]): [string, string[]] {
  return [argv[0]!, argv.slice(1)];
}

async function test(cfg: Readonly<Config>): Promise<number> {
  installTestTools(cfg, log);
  const started = await up(cfg);
  const steps: [string, string[]][] = [
    ['typecheck', ['npx', 'tsc', '--noEmit', '-p', '.']],
    // the browser tests drive the built dashboard, so build it from this checkout's sources
    ['dashboard build', ['npx', 'vite', 'build', 'web', '--logLevel', 'warn']],
    ['lint', ['npx', 'eslint', '.']],
    // unit tests in one process (stack/unit-entry.ts says why), then each integration test file in its own
    ['unit tests', unitTestArgv(cfg)],
    ['integration tests', ['node', '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=900000',
      ...findTests(cfg.root).filter((f) => f.includes('.int.test.'))]],
  ];
  let code = 0;
  try {
    for (const [name, argv] of steps) {
      log.info(`running ${name}`);
      const c = await runInherit(argv[0]!, argv.slice(1));
      if (c !== 0) {
        log.error(`${name} failed (exit ${c})`);
        code = c;
      }
    }
  } finally {
    if (started.length > 0) await down(cfg, started);
  }
  return code;
}

/** The system's own processes for the demo, in start order. */
function demoProcesses(cfg: Readonly<Config>): { name: string; args: string[] }[] {
  const all = [
    ...(cfg.webhooks.urls.length > 0 ? [{ name: 'webhooks', args: ['consumers/webhooks/main.ts'] }] : []),
    { name: 'materializer', args: ['consumers/materializer/main.ts'] },
    { name: 'registry-projector', args: ['consumers/registry/main.ts'] },
    { name: 'trainer', args: ['trainer/main.ts'] },
    { name: 'gateway', args: ['gateway/main.ts'] },
    { name: 'simulator', args: ['producers/cli.ts', 'demo'] },
  ];
  return all.filter((p) => existsSync(p.args[0]!));
}

async function demo(cfg: Readonly<Config>): Promise<number> {
  const started = await up(cfg);
  log.info('building the dashboard');
  if ((await runInherit('npx', ['vite', 'build', 'web', '--logLevel', 'warn'])) !== 0) log.warn('dashboard build failed; the gateway serves the API and a page saying why');
  const supervisor = new Supervisor({ stackDir: cfg.stackDir, log: log.child('supervisor') });
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping the system (a training run in progress is allowed to finish)');
    await supervisor.stop();
    await down(cfg, started);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // no GATEWAY_TOKEN: one random token for the whole demo, so a restarted gateway keeps the one printed below
  if (cfg.gateway.tokenGenerated) process.env.GATEWAY_TOKEN = cfg.gateway.token;
  supervisor.start(demoProcesses(cfg).map((p) => ({ name: p.name, args: ['--import', 'tsx', ...p.args] })));
  const url = `http://${cfg.gateway.host}:${cfg.gateway.port}`;
  log.info(`dashboard: ${url}/  (Ctrl-C stops everything)`);
  if (cfg.gateway.tokenGenerated) process.stderr.write(`${gatewayTokenNotice(url, cfg.gateway.token)}\n`);
  return new Promise<number>(() => undefined);
}

/** The environment with `--brokers N` as KAFKA_NODES and `--clickhouse-shards N` as CLICKHOUSE_SHARDS (each if given). */
function withNodeFlags(values: CliArgs['values']): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [flag, variable, what] of [['brokers', 'KAFKA_NODES', 'Kafka nodes'], ['clickhouse-shards', 'CLICKHOUSE_SHARDS', 'ClickHouse shard servers']] as const) {
    const n = values[flag];
    if (n === undefined) continue;
    if (typeof n !== 'string' || !/^[1-9]$/.test(n)) throw new UsageError(`--${flag}`, `expected a number of ${what} from 1 to 9, got "${String(n)}"`);
    env[variable] = n;
  }
  return env;
}

async function main({ positionals, values }: CliArgs): Promise<number> {
  const [cmd, ...rest] = positionals;
  if (!cmd) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  // a wrong command is answered before the config is read or anything installed
  if (!COMMANDS.includes(cmd)) throw wrongCommand(cmd);
  const cfg = loadConfig(withNodeFlags(values));
  setLogLevel(cfg.logLevel, cfg.logFormat);
  switch (cmd) {
    case 'install':
      installStack(cfg, log);
      installPythonTestTools(cfg, log);
      log.info('installed');
      return 0;
    case 'up':
      await up(cfg);
      await status(cfg);
      return 0;
    case 'down':
      await down(cfg);
      return 0;
    case 'status':
      return (await status(cfg)) ? 0 : 1;
    case 'logs': {
      for (const svc of services(cfg)) {
        if (rest[0] && rest[0] !== svc.name) continue;
        const f = logFile(cfg, svc.name);
        process.stdout.write(`== ${svc.name} (${f})\n`);
        if (existsSync(f)) process.stdout.write(`${readFileSync(f, 'utf8').split('\n').slice(-40).join('\n')}\n`);
      }
      return 0;
    }
    case 'demo':
      return demo(cfg);
    case 'test':
      return test(cfg);
    case 'unit':
      // the pure-logic tests only: no stack, no installs
      return runInherit(...splitArgv(unitTestArgv(cfg)));
    default:
      throw wrongCommand(cmd);
  }
}

const wrongCommand = (cmd: string) => new UsageError('command', `expected one of ${COMMANDS.join(', ')} (see --help), got "${cmd}"`);

runCli(main, { usage: USAGE, options: { brokers: { type: 'string' }, 'clickhouse-shards': { type: 'string' } } });
