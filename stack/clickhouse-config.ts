/**
 * The local ClickHouse servers' configuration files: the single server of
 * the default stack, or the shard servers of a local cluster
 * (`CLICKHOUSE_SHARDS` > 1, `npm run stack -- up --clickhouse-shards 2`).
 * A cluster's servers get their own ports and data folders, so they run next
 * to the single server without touching it: its tables are plain
 * ReplacingMergeTrees, a cluster's are Replicated locals behind Distributed
 * tables under the same names.
 */
import { join } from 'node:path';
import { NODE_PORT_STEP, type Config } from '../lib/config.js';

/** Offset of a shard server's interserver (replication) HTTP port from its TCP port. */
const INTERSERVER_OFFSET = 5;

export interface ClickhouseNode {
  /** service name: `clickhouse`, or `clickhouse-shard-<i>` */
  name: string;
  httpPort: number;
  tcpPort: number;
  /** replication port (shard servers only) */
  interserverPort: number | null;
  /** data, tmp and log folders live under it */
  dir: string;
  /** 1-based shard number, null for the single server */
  shard: number | null;
}

/** Shard server i (1-based) of a local cluster: CLICKHOUSE_HTTP_PORT/CLICKHOUSE_TCP_PORT + 10*i, data in .stack/clickhouse-shard-<i>. */
export function clickhouseShardNode(cfg: Readonly<Config>, i: number): ClickhouseNode {
  const c = cfg.clickhouse;
  const tcpPort = c.tcpPort + NODE_PORT_STEP * i;
  return {
    name: `clickhouse-shard-${i}`,
    httpPort: c.httpPort + NODE_PORT_STEP * i,
    tcpPort,
    interserverPort: tcpPort + INTERSERVER_OFFSET,
    dir: join(cfg.stackDir, `clickhouse-shard-${i}`),
    shard: i,
  };
}

/** The local ClickHouse servers of this config: the single server, or shards 1..CLICKHOUSE_SHARDS. */
export function clickhouseNodes(cfg: Readonly<Config>): ClickhouseNode[] {
  const c = cfg.clickhouse;
  if (c.shards <= 1) return [{ name: 'clickhouse', httpPort: c.httpPort, tcpPort: c.tcpPort, interserverPort: null, dir: join(cfg.stackDir, 'clickhouse'), shard: null }];
  return Array.from({ length: c.shards }, (_, i) => clickhouseShardNode(cfg, i + 1));
}

/** users.xml: the passwordless default user on loopback only. */
export function clickhouseUsersXml(): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>::1</ip><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

/**
 * The cluster part of a shard server's config: every shard (one replica
 * each, internal_replication so a Distributed insert writes one replica and
 * replication copies it), the `{shard}`/`{replica}` macros the Replicated
 * tables' ZooKeeper paths use, ZooKeeper, and the queue ON CLUSTER DDL runs
 * through. A server finds itself in remote_servers by host and TCP port.
 */
function clusterXml(cfg: Readonly<Config>, node: ClickhouseNode, cluster: string): string {
  const shards = Array.from({ length: cfg.clickhouse.shards }, (_, i) => clickhouseShardNode(cfg, i + 1))
    .map((n) => `      <shard><internal_replication>true</internal_replication><replica><host>127.0.0.1</host><port>${n.tcpPort}</port></replica></shard>`)
    .join('\n');
  const shard = String(node.shard).padStart(2, '0');
  return `  <interserver_http_port>${node.interserverPort}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <remote_servers>
    <${cluster}>
${shards}
    </${cluster}>
  </remote_servers>
  <macros><shard>${shard}</shard><replica>${node.name}</replica></macros>
  <zookeeper><node><host>127.0.0.1</host><port>${cfg.clickhouse.zookeeperPort}</port></node></zookeeper>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
`;
}

/** config.xml of one local server (the single one, or a shard with the cluster's definition). */
export function clickhouseServerXml(cfg: Readonly<Config>, node: ClickhouseNode): string {
  const d = node.dir;
  const cluster = node.shard !== null && cfg.clickhouse.cluster ? clusterXml(cfg, node, cfg.clickhouse.cluster) : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${d}/log/server.log</log><errorlog>${d}/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  <http_port>${node.httpPort}</http_port>
  <tcp_port>${node.tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${d}/data/</path>
  <tmp_path>${d}/tmp/</tmp_path>
  <user_files_path>${d}/user_files/</user_files_path>
  <users_config>${d}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>536870912</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
${cluster}</yandex>
`;
}
