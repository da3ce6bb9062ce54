/**
 * The short chaos suite inside npm test: real faults (SIGKILL of the
 * materializer mid-batch, one of three brokers stopped) on an
 * isolated 3-broker instance on its own ports, never on the shared stack.
 * `npm run chaos` runs the full suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { instanceConfig, startInstance, stopInstance } from './instance.js';
import { runScenario } from './scenario.js';
import { shortSuite } from './scenarios.js';
import { resultTable } from './table.js';

const inst = instanceConfig('chaos-test', 26000, 3);

describe('chaos (short): faults on an isolated 3-broker instance', { timeout: 600_000 }, () => {
  before(() => startInstance(inst), { timeout: 300_000 });
  after(() => stopInstance(inst), { timeout: 120_000 });

  for (const s of shortSuite()) {
    it(`${s.name}: exact rows, equal checksum, every process alive`, { timeout: 300_000 }, async () => {
      const r = await runScenario(inst, s, { recoverTimeoutS: 120 });
      process.stdout.write(`${resultTable([r])}\n`);
      assert.equal(r.error, undefined);
      assert.equal(r.rows, r.events, 'every event is one row, none lost, none duplicated');
      assert.ok(r.checksumEqual, 'the table content matches the log');
      assert.ok(r.alive, 'every process is running at the end');
      if (s.name.includes('materializer')) assert.ok(r.restarts >= 1, 'the killed materializer was restarted by the supervisor');
    });
  }
});
