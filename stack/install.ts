import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../lib/config.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { readChecksums, verifyDir, verifyFile } from './checksums.js';

/** Where each installed component lives under the stack folder. */
export function stackPaths(cfg: Readonly<Config>) {
  const s = cfg.stackDir;
  // installed software may be shared by several instances (STACK_INSTALL_DIR); data never is
  const i = cfg.installDir;
  return {
    kafkaLibs: join(i, 'kafka', 'libs'),
    kafkaData: join(s, 'kafka', 'data'),
    zookeeperLibs: join(i, 'zookeeper', 'libs'),
    zookeeperData: join(s, 'zookeeper', 'data'),
    apicurio: join(i, 'apicurio'),
    clickhouse: join(s, 'clickhouse'),
    venv: join(i, 'venv'),
    logs: join(s, 'logs'),
    run: join(s, 'run'),
    artifacts: join(s, 'artifacts'),
  };
}

const APICURIO = 'io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all';
/** The file Maven names that artifact. */
const APICURIO_FILE = 'apicurio-registry-app-3.0.9-all.tar.gz';

/** Runs a command, streaming nothing; throws with the tail of its output when it fails. */
function run(cmd: string, args: string[], what: string, opts: { cwd?: string } = {}): void {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new AppError('INSTALL', `${what} failed (${cmd} ${args.join(' ')}):\n${out || r.error?.message}`);
  }
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function hashOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Refuses jars in `libs` that are not the ones pinned in `pins` (stack/checksums.ts; quick: about 40 MB hashed). */
function verifyJars(libs: string, pins: string): void {
  verifyDir(libs, readChecksums(pins), pins);
}

/**
 * Installs through Maven the jar set of `pom` into `libs` when the pom changed
 * since the last install, and checks every jar against the SHA-512s pinned in
 * `pins` on each run (a jar changed after the install is refused too).
 */
function installJars(pom: string, libs: string, pins: string, what: string, log: Logger): void {
  const marker = join(libs, '.pom-sha256');
  const want = hashOf(pom);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return verifyJars(libs, pins);
  if (!has('mvn') || !has('java')) throw new AppError('INSTALL', `${what} needs Java 17+ and Maven (mvn) on PATH`);
  log.info(`installing ${what} from Maven Central`);
  // -C: a download whose .sha1 (published by Central next to it) does not match fails the build
  run('mvn', ['-C', '-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], `${what} install`);
  verifyJars(libs, pins);
  writeFileSync(marker, want);
}

const KAFKA_PINS = ['stack', 'maven', 'kafka-libs.sha512'];

function installKafka(cfg: Readonly<Config>, log: Logger): void {
  installJars(join(cfg.root, 'stack', 'maven', 'pom.xml'), stackPaths(cfg).kafkaLibs, join(cfg.root, ...KAFKA_PINS), 'Apache Kafka', log);
}

/**
 * ZooKeeper for a local ClickHouse cluster (stack/maven/zookeeper/pom.xml),
 * into the install folder (shared by instances). Quick when it is there.
 */
export function installZookeeper(cfg: Readonly<Config>, log: Logger): void {
  installJars(join(cfg.root, 'stack', 'maven', 'zookeeper', 'pom.xml'), stackPaths(cfg).zookeeperLibs, join(cfg.root, 'stack', 'maven', 'zookeeper', 'zookeeper-libs.sha512'), 'ZooKeeper (for the local ClickHouse cluster)', log);
}

function installApicurio(cfg: Readonly<Config>, log: Logger): void {
  const p = stackPaths(cfg);
  const marker = join(p.apicurio, '.artifact');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === APICURIO) return;
  log.info('installing Apicurio Registry from Maven Central (about 110 MB the first time)');
  // fetched as the archive, checked against the pinned SHA-512, then unpacked: nothing unverified is unpacked
  const download = join(p.apicurio, '.download');
  run('mvn', ['-C', '-q', '-B', 'dependency:copy', `-Dartifact=${APICURIO}`, `-DoutputDirectory=${download}`], 'Apicurio Registry download');
  const archive = join(download, APICURIO_FILE);
  const pins = join(cfg.root, 'stack', 'maven', 'apicurio.sha512');
  verifyFile(archive, readChecksums(pins), pins);
  run('tar', ['-xzf', archive, '-C', p.apicurio], 'Apicurio Registry unpack');
  rmSync(download, { recursive: true, force: true });
  if (!apicurioJar(cfg)) throw new AppError('INSTALL', `Apicurio archive has no runner jar in ${p.apicurio}`);
  writeFileSync(marker, APICURIO);
}

/** The runnable jar of the unpacked Apicurio Registry, or null. */
export function apicurioJar(cfg: Readonly<Config>): string | null {
  const dir = stackPaths(cfg).apicurio;
  if (!existsSync(dir)) return null;
  const jar = readdirSync(dir).find((f) => f.endsWith('-runner.jar') || f === 'quarkus-run.jar');
  return jar ? join(dir, jar) : null;
}

/** Debian packages are installed with apt-get when missing (root is needed). */
function aptInstall(pkgs: string[], log: Logger): void {
  log.info(`installing ${pkgs.join(', ')} with apt-get`);
  if (process.getuid && process.getuid() !== 0) {
    throw new AppError('INSTALL', `${pkgs.join(', ')} missing: run as root or install them: sudo apt-get install -y ${pkgs.join(' ')}`);
  }
  run('apt-get', ['update', '-qq'], 'apt-get update');
  run('sh', ['-c', `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(' ')}`], `apt-get install ${pkgs.join(' ')}`);
}

/** Path of the ClickHouse server binary, or null. */
export function clickhouseBinary(): string | null {
  for (const c of ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server', '/usr/bin/clickhouse']) if (existsSync(c)) return c;
  return null;
}

function installClickhouse(log: Logger): void {
  if (clickhouseBinary()) return;
  aptInstall(['clickhouse-server', 'clickhouse-client'], log);
}

/**
 * Installs a pinned requirements file into the project-local virtualenv when
 * it changed since the last install (a marker per file, so the trainer's and
 * the tests' requirements install independently).
 */
function pipInstall(cfg: Readonly<Config>, req: string, what: string, log: Logger): void {
  const p = stackPaths(cfg);
  if (!existsSync(req)) return;
  const marker = join(p.venv, `.${basename(req, '.txt')}-sha256`);
  const want = hashOf(req);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return;
  log.info(`installing ${what} into the Python virtualenv`);
  if (!existsSync(join(p.venv, 'bin', 'python'))) {
    // Debian splits venv's ensurepip into python3-venv: a stock python3 cannot make a virtualenv without it
    if (spawnSync('python3', ['-c', 'import ensurepip'], { encoding: 'utf8' }).status !== 0) aptInstall(['python3-venv'], log);
    run('python3', ['-m', 'venv', p.venv], 'python venv');
  }
  // the requirements are locked with every package's hashes (uv pip compile --generate-hashes): a download that differs is refused
  run(join(p.venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', '--require-hashes', '-r', req], 'pip install');
  writeFileSync(marker, want);
}

/** The project-local Python virtualenv for the XGBoost step, from the pinned requirements, and the benchmark's FastAPI reference server. */
function installVenv(cfg: Readonly<Config>, log: Logger): void {
  pipInstall(cfg, join(cfg.root, 'trainer', 'python', 'requirements.txt'), 'XGBoost and the ONNX export', log);
  pipInstall(cfg, join(cfg.root, 'bench', 'python', 'bench-requirements.txt'), 'FastAPI and uvicorn (the predict benchmark\'s reference server)', log);
}

/** Where a Python tool of the tests (schemathesis, openapi-spec-validator) lives once installed. */
export function venvTool(cfg: Readonly<Config>, name: string): string {
  return join(stackPaths(cfg).venv, 'bin', name);
}

/**
 * What the tests need beyond the stack: Debian's chromium (driven by
 * playwright-core), a docker compose client to validate docker-compose.yaml,
 * and the Python tools of stack/python/test-requirements.txt (API fuzzing,
 * OpenAPI validation) in the project's virtualenv.
 */
export function installTestTools(cfg: Readonly<Config>, log: Logger): void {
  const missing: string[] = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!composeCommand()) missing.push('docker-compose');
  // promtool checks the Prometheus config and alert rules in ops/prometheus/
  if (!has('promtool')) missing.push('prometheus');
  // amtool checks the Alertmanager config in ops/alertmanager/
  if (!has('amtool')) missing.push('prometheus-alertmanager');
  // the predict benchmark's load generator (its short run is one of the tests)
  if (!has('wrk')) missing.push('wrk');
  if (missing.length > 0) aptInstall(missing, log);
  installPythonTestTools(cfg, log);
  // the ClickHouse cluster test starts its own ZooKeeper
  installZookeeper(cfg, log);
}

/**
 * What `npm run bench` needs beyond the stack: wrk, a native HTTP load
 * generator from Debian (a Node client tops out below what a Node server
 * answers on this machine, which compresses every ratio near the top).
 * Quick when it is there.
 */
export function installBenchTools(log: Logger): void {
  if (!has('wrk')) aptInstall(['wrk'], log);
}

/** The Python tools of stack/python/test-requirements.txt in the project's virtualenv (quick when they are there). */
export function installPythonTestTools(cfg: Readonly<Config>, log: Logger): void {
  pipInstall(cfg, join(cfg.root, 'stack', 'python', 'test-requirements.txt'), 'schemathesis and openapi-spec-validator', log);
}

/** The docker compose client available here: the plugin or Debian's docker-compose, or null. */
export function composeCommand(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (has('docker-compose')) return ['docker-compose'];
  return null;
}

/** Installs every missing component of the stack. Idempotent and quick when nothing changed. */
export function installStack(cfg: Readonly<Config>, log: Logger): void {
  const p = stackPaths(cfg);
  if (cfg.installDir !== cfg.stackDir) return checkInstall(cfg);
  for (const d of Object.values(p)) mkdirSync(d, { recursive: true });
  installClickhouse(log);
  installKafka(cfg, log);
  installApicurio(cfg, log);
  if (cfg.clickhouse.shards > 1) installZookeeper(cfg, log);
  installVenv(cfg, log);
}

/** An instance on a shared install only reads it: a missing part is an error naming the folder, never an install into it. */
export function checkInstall(cfg: Readonly<Config>): void {
  const p = stackPaths(cfg);
  for (const d of [p.clickhouse, p.kafkaData, p.logs, p.run, p.artifacts]) mkdirSync(d, { recursive: true });
  const missing = [
    existsSync(join(p.kafkaLibs, '.pom-sha256')) ? null : p.kafkaLibs,
    apicurioJar(cfg) ? null : p.apicurio,
    clickhouseBinary() ? null : 'clickhouse-server',
    cfg.clickhouse.shards <= 1 || existsSync(join(p.zookeeperLibs, '.pom-sha256')) ? null : p.zookeeperLibs,
  ].filter((x): x is string => x !== null);
  if (missing.length > 0) throw new AppError('INSTALL', `STACK_INSTALL_DIR=${cfg.installDir} lacks ${missing.join(', ')}: run npm run stack -- install there first`);
  verifyJars(p.kafkaLibs, join(cfg.root, ...KAFKA_PINS));
}
