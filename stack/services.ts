import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { NODE_PORT_STEP, type Config } from '../lib/config.js';
import { AppError } from '../lib/errors.js';
import { apicurioJar, clickhouseBinary, stackPaths } from './install.js';
import { clickhouseNodes, clickhouseServerXml, clickhouseUsersXml, type ClickhouseNode } from './clickhouse-config.js';

/** A long-running service of the local stack: how to start it and how to know it is healthy. */
export interface Service {
  name: string;
  /** ports it listens on, with the variable that sets each (for the "port taken" message) */
  ports: { port: number; variable: string }[];
  /** prepares config files and data folders; returns the command to run */
  prepare(): { cmd: string; args: string[]; cwd?: string };
  /** resolves true when the service answers as healthy */
  healthy(): Promise<boolean>;
  /** seconds to wait for health after start */
  startTimeoutS: number;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

async function httpOk(url: string, test: (body: string) => boolean): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    return res.ok && test(await res.text());
  } catch {
    return false;
  }
}

/** Service name of local Kafka node i (0-based): `kafka`, then `kafka-2`, `kafka-3`... */
export function kafkaNodeName(i: number): string {
  return i === 0 ? 'kafka' : `kafka-${i + 1}`;
}

/** Ports and data folder of local Kafka node i (ports derived from the configured ones). */
export function kafkaNode(cfg: Readonly<Config>, i: number): { id: number; port: number; controllerPort: number; data: string; dir: string } {
  const k = cfg.kafka;
  const base = stackPaths(cfg).kafkaData;
  return {
    id: i + 1,
    port: k.port + NODE_PORT_STEP * i,
    controllerPort: k.controllerPort + NODE_PORT_STEP * i,
    data: i === 0 ? base : `${base}-${i + 1}`,
    dir: join(cfg.stackDir, 'kafka', i === 0 ? '.' : `node-${i + 1}`),
  };
}

function kafkaProperties(cfg: Readonly<Config>, i: number): string {
  const k = cfg.kafka;
  const n = kafkaNode(cfg, i);
  const voters = Array.from({ length: k.nodes }, (_, j) => kafkaNode(cfg, j)).map((v) => `${v.id}@127.0.0.1:${v.controllerPort}`);
  return [
    'process.roles=broker,controller',
    `node.id=${n.id}`,
    `controller.quorum.voters=${voters.join(',')}`,
    `listeners=PLAINTEXT://127.0.0.1:${n.port},CONTROLLER://127.0.0.1:${n.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${n.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${n.data}`,
    `num.partitions=${k.salesPartitions}`,
    // topics the brokers create themselves (offsets, transactions, the registry's) get the same copies as ours
    `default.replication.factor=${k.replicationFactor}`,
    `min.insync.replicas=${k.minInsyncReplicas}`,
    `offsets.topic.replication.factor=${k.replicationFactor}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${k.replicationFactor}`,
    `transaction.state.log.min.isr=${k.minInsyncReplicas}`,
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    // model artifacts travel on a topic, so a message may be a few MB
    'message.max.bytes=33554432',
    'replica.fetch.max.bytes=33554432',
    '',
  ].join('\n');
}

/** The cluster id every node is formatted with (one per instance, kept next to the data). */
function clusterId(cfg: Readonly<Config>, jvm: string[]): string {
  const f = join(cfg.stackDir, 'kafka', 'cluster-id');
  if (existsSync(f)) return readFileSync(f, 'utf8').trim();
  const id = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' });
  const uuid = id.stdout.trim().split('\n').pop() ?? '';
  writeFileSync(f, uuid);
  return uuid;
}

function kafka(cfg: Readonly<Config>, i: number): Service {
  const p = stackPaths(cfg);
  const k = cfg.kafka;
  const n = kafkaNode(cfg, i);
  const all = Array.from({ length: k.nodes }, (_, j) => kafkaNode(cfg, j));
  return {
    name: kafkaNodeName(i),
    ports: [
      { port: n.port, variable: 'KAFKA_PORT' },
      { port: n.controllerPort, variable: 'KAFKA_CONTROLLER_PORT' },
    ],
    startTimeoutS: 90,
    prepare() {
      mkdirSync(n.dir, { recursive: true });
      const props = join(n.dir, 'server.properties');
      writeFileSync(props, kafkaProperties(cfg, i));
      const log4j = join(n.dir, 'log4j.properties');
      writeFileSync(
        log4j,
        'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\n' +
          'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n' +
          'log4j.logger.kafka.server.KafkaServer=INFO\nlog4j.logger.kafka.server.BrokerServer=INFO\n',
      );
      const cp = `${p.kafkaLibs}/*`;
      const jvm = [`-Xms${Math.min(256, k.heapMb)}m`, `-Xmx${k.heapMb}m`, `-Dlog4j.configuration=file:${log4j}`, '-cp', cp];
      if (!existsSync(join(n.data, 'meta.properties'))) {
        mkdirSync(n.data, { recursive: true });
        const fmt = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId(cfg, jvm), '-c', props], { encoding: 'utf8' });
        if (fmt.status !== 0) throw new AppError('STACK', `formatting Kafka storage failed: ${fmt.stderr || fmt.stdout}`);
      }
      return { cmd: 'java', args: [...jvm, 'kafka.Kafka', props] };
    },
    // a broker of a cluster opens its port only once a quorum of controllers is up, so the
    // first nodes count as started when their controller listens; the last waits for every broker
    async healthy() {
      if (k.nodes === 1) return portOpen(n.port);
      if (i < k.nodes - 1) return portOpen(n.controllerPort);
      return (await Promise.all(all.map((x) => portOpen(x.port)))).every(Boolean);
    },
  };
}

function registry(cfg: Readonly<Config>): Service {
  const r = cfg.registry;
  return {
    name: 'registry',
    ports: [{ port: r.port, variable: 'REGISTRY_PORT' }],
    startTimeoutS: 120,
    prepare() {
      const jar = apicurioJar(cfg);
      if (!jar) throw new AppError('STACK', 'Apicurio Registry is not installed: run npm run stack -- install');
      return {
        cmd: 'java',
        args: [
          `-Xmx${r.heapMb}m`,
          `-Dquarkus.http.port=${r.port}`,
          '-Dquarkus.http.host=127.0.0.1',
          '-Dapicurio.storage.kind=kafkasql',
          `-Dapicurio.kafkasql.bootstrap.servers=${cfg.kafka.brokers.join(',')}`,
          // the registry keeps its schemas in Kafka itself (the log is the source of truth)
          '-Dapicurio.kafkasql.topic=_schemas.apicurio',
          '-Dquarkus.log.level=WARN',
          '-Dquarkus.log.category."io.apicurio".level=INFO',
          '-jar',
          jar,
        ],
      };
    },
    healthy: () => httpOk(`http://127.0.0.1:${r.port}/health/ready`, (b) => b.includes('"UP"')),
  };
}

function clickhouse(cfg: Readonly<Config>, node: ClickhouseNode): Service {
  const dir = node.dir;
  const single = node.shard === null;
  return {
    name: node.name,
    ports: [
      { port: node.httpPort, variable: 'CLICKHOUSE_HTTP_PORT' },
      { port: node.tcpPort, variable: 'CLICKHOUSE_TCP_PORT' },
      ...(node.interserverPort ? [{ port: node.interserverPort, variable: 'CLICKHOUSE_TCP_PORT' }] : []),
    ],
    startTimeoutS: 60,
    prepare() {
      const bin = clickhouseBinary();
      if (!bin) throw new AppError('STACK', 'clickhouse-server is not installed: run npm run stack -- install');
      for (const d of ['data', 'tmp', 'log', 'user_files']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'users.xml'), clickhouseUsersXml());
      const config = join(dir, 'config.xml');
      writeFileSync(config, clickhouseServerXml(cfg, node));
      const args = bin.endsWith('/clickhouse') ? ['server', `--config-file=${config}`] : [`--config-file=${config}`];
      return { cmd: bin, args, cwd: dir };
    },
    // a shard server is ready once it also reaches ZooKeeper: Replicated tables and ON CLUSTER DDL need it
    healthy: single
      ? () => httpOk(`http://127.0.0.1:${node.httpPort}/ping`, (b) => b.startsWith('Ok'))
      : () => httpOk(`http://127.0.0.1:${node.httpPort}/?query=${encodeURIComponent("SELECT count() FROM system.zookeeper WHERE path = '/'")}`, (b) => Number(b) > 0),
  };
}

/**
 * ZooKeeper, standalone, for a local ClickHouse cluster (Debian's 18.16 has
 * no built-in Keeper). Healthy when it answers the `srvr` four-letter
 * command (the one ZooKeeper allows by default) as a serving server.
 */
function zookeeper(cfg: Readonly<Config>): Service {
  const p = stackPaths(cfg);
  const port = cfg.clickhouse.zookeeperPort;
  return {
    name: 'zookeeper',
    ports: [{ port, variable: 'ZOOKEEPER_PORT' }],
    startTimeoutS: 60,
    prepare() {
      if (!existsSync(join(p.zookeeperLibs, '.pom-sha256'))) throw new AppError('STACK', 'ZooKeeper is not installed: run npm run stack -- install --clickhouse-shards 2');
      mkdirSync(p.zookeeperData, { recursive: true });
      return {
        cmd: 'java',
        args: [
          '-Xms32m',
          '-Xmx128m',
          '-Dzookeeper.admin.enableServer=false',
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
          '-cp',
          `${p.zookeeperLibs}/*`,
          'org.apache.zookeeper.server.ZooKeeperServerMain',
          String(port),
          p.zookeeperData,
        ],
      };
    },
    healthy: () => fourLetter(port, 'srvr').then((r) => /Mode: standalone/.test(r)),
  };
}

/** A ZooKeeper four-letter command's answer ('' when it cannot be reached within 1.5 s). */
function fourLetter(port: number, cmd: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let out = '';
    const done = () => {
      sock.destroy();
      resolve(out);
    };
    sock.setTimeout(1500, done);
    sock.once('connect', () => sock.write(cmd));
    sock.on('data', (d) => (out += d.toString()));
    sock.once('end', done);
    sock.once('error', done);
  });
}

/** The local ClickHouse services: the single server, or ZooKeeper and the shard servers of a cluster (CLICKHOUSE_SHARDS > 1). */
export function clickhouseServices(cfg: Readonly<Config>): Service[] {
  const servers = clickhouseNodes(cfg).map((n) => clickhouse(cfg, n));
  return cfg.clickhouse.shards > 1 ? [zookeeper(cfg), ...servers] : servers;
}

/** The stack's services in start order (the registry stores its schemas in Kafka). */
export function services(cfg: Readonly<Config>): Service[] {
  return [...clickhouseServices(cfg), ...Array.from({ length: cfg.kafka.nodes }, (_, i) => kafka(cfg, i)), registry(cfg)];
}
