import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import type { Logger } from '../lib/log.js';
import type { ModelHolder } from './model/holder.js';
import { createReadiness } from './readiness.js';

describe('/readyz says which dependency is down, not its error text', () => {
  it('three failing dependencies: each named unreachable, the texts only in the log', async () => {
    const logged: string[] = [];
    const log = { warn: (m: string) => void logged.push(m) } as unknown as Logger;
    const readiness = createReadiness({
      admin: { describeCluster: () => Promise.reject(new Error('Connection error: connect ECONNREFUSED 10.9.8.7:9093 (sasl user kafka-admin)')) } as unknown as Admin,
      // fetch refuses a URL with credentials, quoting it in its error
      registryUrl: 'http://reg:SECRET@127.0.0.1:1',
      ch: { ping: () => Promise.resolve({ success: false, error: new Error('http://default:CHPASS@10.0.0.2:8123 refused') }) } as unknown as ClickHouseClient,
      holder: { current: null, status: { state: 'none' } } as unknown as ModelHolder,
      follower: () => null,
      log,
    });
    const r = await readiness.check();
    assert.equal(r.ready, false);
    for (const name of ['kafka', 'registry', 'clickhouse'] as const) {
      assert.deepEqual(r.checks[name], { ok: false, detail: 'unreachable (details in the gateway log)' }, name);
    }
    assert.doesNotMatch(JSON.stringify(r), /SECRET|CHPASS|10\.9\.8\.7|kafka-admin/);
    assert.equal(logged.length, 3);
    assert.ok(logged.some((m) => m.startsWith('readiness: kafka unreachable: ') && m.includes('10.9.8.7')), logged.join('\n'));
  });

  it('a silent dependency is reported as a timeout, with its limit', async () => {
    const never = new Promise<never>(() => undefined);
    const readiness = createReadiness({
      admin: { describeCluster: () => never } as unknown as Admin,
      registryUrl: 'http://127.0.0.1:1',
      ch: { ping: () => Promise.resolve({ success: true }) } as unknown as ClickHouseClient,
      holder: { current: null, status: { state: 'none' } } as unknown as ModelHolder,
      follower: () => null,
    });
    const r = await readiness.check();
    assert.deepEqual(r.checks.kafka, { ok: false, detail: 'no answer within 2000 ms' });
    assert.deepEqual(r.checks.clickhouse, { ok: true, detail: 'ping ok' });
  });
});
