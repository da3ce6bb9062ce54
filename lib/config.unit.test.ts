import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';
import { readDotEnv } from './config-env.js';
import { ConfigError } from './errors.js';

describe('config', () => {
  it('parses .env.example as shipped, inline comments stripped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    copyFileSync('.env.example', join(dir, '.env'));
    const env = readDotEnv(join(dir, '.env'));
    assert.equal(env.TRAIN_CRON, '0 3 * * *');
    assert.equal(env.KAFKA_PORT, '19092');
    assert.equal(env.CLICKHOUSE_PASSWORD, '');
    const cfg = loadConfig({}, dir);
    assert.deepEqual(cfg.kafka.brokers, ['127.0.0.1:19092']);
    assert.equal(cfg.trainer.horizon, 13);
    assert.equal(cfg.gateway.openReads, true);
    assert.deepEqual(cfg.gateway.allowedOrigins, []);
    assert.deepEqual(cfg.gateway.predictRate, { perSecond: 0, burst: 1 });
    assert.ok(Object.isFrozen(cfg.kafka));
  });

  it('the environment wins over .env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, '.env'), 'GATEWAY_PORT=9000\nTOPIC_PREFIX="x."\n');
    const cfg = loadConfig({ GATEWAY_PORT: '9100' }, dir);
    assert.equal(cfg.gateway.port, 9100);
    assert.equal(cfg.topics.sales, 'x.sales.weekly');
  });

  it('names every bad variable and what was expected', () => {
    assert.throws(
      () => loadConfig({ KAFKA_PORT: 'abc', TRAIN_HORIZON: '99' }, mkdtempSync(join(tmpdir(), 'cfg-'))),
      (err: unknown) => err instanceof ConfigError && /KAFKA_PORT/.test(err.message) && /TRAIN_HORIZON/.test(err.message),
    );
  });

  it('no token configured: a random one per start, never a well-known default; host names listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const a = loadConfig({}, dir).gateway;
    const b = loadConfig({ GATEWAY_TOKEN: '' }, dir).gateway;
    assert.equal(a.tokenGenerated, true);
    assert.match(a.token, /^[0-9a-f]{48}$/);
    assert.notEqual(a.token, b.token, 'each start draws its own');
    const set = loadConfig({ GATEWAY_TOKEN: 'mine', GATEWAY_ALLOWED_HOSTS: ' Gateway , forecast.example.com' }, dir).gateway;
    assert.deepEqual([set.token, set.tokenGenerated, set.allowedHosts], ['mine', false, ['gateway', 'forecast.example.com']]);
    assert.throws(() => loadConfig({ GATEWAY_ALLOWED_HOSTS: 'gw:8080' }, dir), (err: unknown) => err instanceof ConfigError && /GATEWAY_ALLOWED_HOSTS/.test(err.message) && /no port/.test(err.message));
  });

  it('WEBHOOK_SECRET: empty or a Standard Webhooks secret (base64 of >= 24 bytes, whsec_ optional)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    assert.equal(loadConfig({ WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, dir).webhooks.secret, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    assert.equal(loadConfig({}, dir).webhooks.secret, '');
    for (const bad of ['webhook-test-secret', 'whsec_c2hvcnQ=']) {
      assert.throws(() => loadConfig({ WEBHOOK_SECRET: bad }, dir), (err: unknown) => err instanceof ConfigError && /WEBHOOK_SECRET/.test(err.message) && /whsec_/.test(err.message), bad);
    }
  });

  it('gateway origins and predict rate: lists trimmed, burst defaulting to the rate, a bad origin named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const cfg = loadConfig({ GATEWAY_ALLOWED_ORIGINS: ' http://localhost:5173/ , https://ops.example.com', GATEWAY_PREDICT_RATE: '2.5' }, dir);
    assert.deepEqual(cfg.gateway.allowedOrigins, ['http://localhost:5173', 'https://ops.example.com']);
    assert.deepEqual(cfg.gateway.predictRate, { perSecond: 2.5, burst: 3 });
    assert.equal(loadConfig({ GATEWAY_PREDICT_RATE: '10', GATEWAY_PREDICT_BURST: '50' }, dir).gateway.predictRate.burst, 50);
    assert.throws(
      () => loadConfig({ GATEWAY_ALLOWED_ORIGINS: 'localhost:5173 x' }, dir),
      (err: unknown) => err instanceof ConfigError && /GATEWAY_ALLOWED_ORIGINS/.test(err.message) && /comma-separated list of origins/.test(err.message),
    );
  });
});

describe('webhook URLs', () => {
  it('are parsed from a comma-separated list, and a bad one is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    assert.deepEqual(loadConfig({ WEBHOOK_URLS: 'http://127.0.0.1:9/a, https://hooks.example/b' }, dir).webhooks.urls, ['http://127.0.0.1:9/a', 'https://hooks.example/b']);
    assert.deepEqual(loadConfig({}, dir).webhooks.urls, []);
    assert.throws(() => loadConfig({ WEBHOOK_URLS: 'http://ok.example, ftp://nope' }, dir), /WEBHOOK_URLS: expected comma-separated http\(s\) URLs, got "ftp:\/\/nope"/);
  });
});

describe('kafka replication', () => {
  it('replication follows the local cluster: 1 copy on one node, 3 copies with 2 in sync on three', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const one = loadConfig({}, dir);
    assert.deepEqual([one.kafka.replicationFactor, one.kafka.minInsyncReplicas], [1, 1]);
    const three = loadConfig({ KAFKA_NODES: '3', KAFKA_PORT: '29092' }, dir);
    assert.deepEqual([three.kafka.replicationFactor, three.kafka.minInsyncReplicas], [3, 2]);
    assert.deepEqual(three.kafka.brokers, ['127.0.0.1:29092', '127.0.0.1:29102', '127.0.0.1:29112']);
    const external = loadConfig({ KAFKA_BROKERS: 'a:9092', KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' }, dir);
    assert.deepEqual([external.kafka.replicationFactor, external.kafka.minInsyncReplicas, external.kafka.brokers.length], [3, 2, 1]);
    assert.throws(() => loadConfig({ KAFKA_MIN_INSYNC_REPLICAS: '2' }, dir), /KAFKA_MIN_INSYNC_REPLICAS/);
  });
});
