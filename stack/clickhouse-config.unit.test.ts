import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../lib/config.js';
import { clickhouseNodes, clickhouseServerXml } from './clickhouse-config.js';

const cfgOf = (env: Record<string, string>) => loadConfig({ STACK_DIR: '/s', ...env }, '/nonexistent');

describe('local ClickHouse servers: one, or the shards of a cluster', () => {
  it('CLICKHOUSE_SHARDS=2: clients go to shard 1 (18133), the cluster is forecast_cluster unless CLICKHOUSE_CLUSTER names another', () => {
    const one = cfgOf({});
    assert.equal(one.clickhouse.shards, 1);
    assert.equal(one.clickhouse.cluster, null);
    assert.equal(one.clickhouse.url, 'http://127.0.0.1:18123');
    const two = cfgOf({ CLICKHOUSE_SHARDS: '2' });
    assert.equal(two.clickhouse.url, 'http://127.0.0.1:18133');
    assert.equal(two.clickhouse.cluster, 'forecast_cluster');
    assert.equal(cfgOf({ CLICKHOUSE_SHARDS: '2', CLICKHOUSE_CLUSTER: 'c2' }).clickhouse.cluster, 'c2');
    assert.equal(cfgOf({ CLICKHOUSE_SHARDS: '2', CLICKHOUSE_URL: 'http://ch:8123' }).clickhouse.url, 'http://ch:8123', 'an explicit address wins');
    for (const bad of ['0', '10', 'two']) assert.throws(() => cfgOf({ CLICKHOUSE_SHARDS: bad }), /CLICKHOUSE_SHARDS/);
  });

  it('shard i listens on the configured ports + 10*i (interserver: its TCP port + 5) with its own data folder, apart from the single server', () => {
    assert.deepEqual(clickhouseNodes(cfgOf({})), [{ name: 'clickhouse', httpPort: 18123, tcpPort: 19000, interserverPort: null, dir: '/s/clickhouse', shard: null }]);
    assert.deepEqual(clickhouseNodes(cfgOf({ CLICKHOUSE_SHARDS: '2' })), [
      { name: 'clickhouse-shard-1', httpPort: 18133, tcpPort: 19010, interserverPort: 19015, dir: '/s/clickhouse-shard-1', shard: 1 },
      { name: 'clickhouse-shard-2', httpPort: 18143, tcpPort: 19020, interserverPort: 19025, dir: '/s/clickhouse-shard-2', shard: 2 },
    ]);
  });

  it("a shard's config lists every shard by TCP port, its own macros, ZooKeeper and the DDL queue; the single server's has none of them", () => {
    const cfg = cfgOf({ CLICKHOUSE_SHARDS: '2', ZOOKEEPER_PORT: '12999' });
    const xml = clickhouseServerXml(cfg, clickhouseNodes(cfg)[1]!);
    assert.match(xml, /<http_port>18143<\/http_port>\s*<tcp_port>19020<\/tcp_port>/);
    assert.match(xml, /<remote_servers>\s*<forecast_cluster>\s*<shard><internal_replication>true<\/internal_replication><replica><host>127\.0\.0\.1<\/host><port>19010<\/port><\/replica><\/shard>\s*<shard>.*<port>19020<\/port>.*<\/shard>\s*<\/forecast_cluster>/s);
    assert.match(xml, /<macros><shard>02<\/shard><replica>clickhouse-shard-2<\/replica><\/macros>/);
    assert.match(xml, /<zookeeper><node><host>127\.0\.0\.1<\/host><port>12999<\/port><\/node><\/zookeeper>/);
    assert.match(xml, /<interserver_http_port>19025<\/interserver_http_port>/);
    assert.match(xml, /<distributed_ddl><path>\/clickhouse\/task_queue\/ddl<\/path><\/distributed_ddl>/);
    assert.match(xml, /<path>\/s\/clickhouse-shard-2\/data\/<\/path>/);
    const single = clickhouseServerXml(cfgOf({}), clickhouseNodes(cfgOf({}))[0]!);
    assert.match(single, /<http_port>18123<\/http_port>/);
    assert.doesNotMatch(single, /remote_servers|macros|zookeeper|distributed_ddl|interserver/);
  });
});
