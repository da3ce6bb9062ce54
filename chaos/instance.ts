/**
 * An isolated stack instance for fault injection: its own data, logs, pid
 * files and ports, the installed binaries of the default stack read-only.
 * Faults are only ever injected here, never into the shared dev stack.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../lib/config.js';
import { AppError } from '../lib/errors.js';
import { portOpen, services } from '../stack/services.js';
import { runningPid, startService, stopService } from '../stack/processes.js';
import { checkInstall } from '../stack/install.js';

export interface Instance {
  name: string;
  cfg: Readonly<Config>;
  /** the environment that points a child process at this instance */
  env: NodeJS.ProcessEnv;
}

/**
 * The config of instance `name` (folder .stack/instances/<name>) on ports
 * from `portBase`: Kafka +92/+93 (+10 per node), registry +81, ClickHouse +50/+51.
 * Small heaps: the machine is shared. Keep the ports below Linux's ephemeral
 * range (32768 and up by default): a listening port in it can be taken by any
 * outgoing connection's local end, even a health check's self-connection to
 * the port it polls, and the service then cannot bind (seen: ClickHouse on
 * 36050, "Address already in use", with nothing listening).
 */
export function instanceConfig(name: string, portBase: number, nodes = 1, base: NodeJS.ProcessEnv = process.env): Instance {
  const shared = loadConfig(base);
  const env: NodeJS.ProcessEnv = {
    ...base,
    STACK_DIR: join(shared.root, '.stack', 'instances', name),
    STACK_INSTALL_DIR: shared.installDir,
    KAFKA_PORT: String(portBase + 92),
    KAFKA_CONTROLLER_PORT: String(portBase + 93),
    KAFKA_NODES: String(nodes),
    KAFKA_HEAP_MB: '320',
    REGISTRY_PORT: String(portBase + 81),
    REGISTRY_HEAP_MB: '256',
    CLICKHOUSE_HTTP_PORT: String(portBase + 50),
    CLICKHOUSE_TCP_PORT: String(portBase + 51),
    LOG_LEVEL: 'warn',
  };
  // an explicit address would point the instance at another stack's services
  for (const k of ['KAFKA_BROKERS', 'REGISTRY_URL', 'CLICKHOUSE_URL', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS']) delete env[k];
  return { name, cfg: loadConfig(env), env };
}

/**
 * Starts every service of the instance on fresh data; refuses ports that
 * something else already uses. An instance left running (`--keep`) is
 * reused on its data, its stopped services started again.
 */
export async function startInstance(inst: Instance): Promise<void> {
  const svcs = services(inst.cfg);
  if (svcs.some((s) => runningPid(inst.cfg, s.name) !== null)) {
    for (const s of svcs) await startService(inst.cfg, s);
    return;
  }
  for (const s of svcs) for (const p of s.ports) if (await portOpen(p.port)) throw new AppError('PORT_TAKEN', `instance ${inst.name}: port ${p.port} (${s.name}) is in use`);
  rmSync(inst.cfg.stackDir, { recursive: true, force: true });
  checkInstall(inst.cfg); // also creates the instance's folders
  for (const s of svcs) await startService(inst.cfg, s);
}

/** Stops every service of the instance (only the pids it recorded) and removes its data. */
export async function stopInstance(inst: Instance): Promise<void> {
  // the data is thrown away next, so no graceful shutdown is owed (it takes Kafka about 20 s)
  for (const s of [...services(inst.cfg)].reverse()) await stopService(inst.cfg, s.name, 2);
  rmSync(inst.cfg.stackDir, { recursive: true, force: true });
}

/** Starts one service of the instance again (after a stop or a kill). */
export async function restartService(inst: Instance, name: string): Promise<void> {
  const svc = services(inst.cfg).find((s) => s.name === name);
  if (!svc) throw new AppError('STACK', `instance ${inst.name} has no service ${name}`);
  await startService(inst.cfg, svc);
}

/** SIGKILLs a service of the instance (its whole process group) and waits until it is gone. */
export async function killService(inst: Instance, name: string): Promise<void> {
  const pid = runningPid(inst.cfg, name);
  if (pid === null) throw new AppError('STACK', `${name} of instance ${inst.name} is not running`);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
  while (runningPid(inst.cfg, name) !== null) await new Promise((r) => setTimeout(r, 100));
}

export { stopService };
