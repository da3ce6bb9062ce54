import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { composeCommand } from './install.js';

describe('docker-compose.yaml', () => {
  it('is accepted by docker compose config and describes the whole topology', () => {
    const cmd = composeCommand();
    assert.ok(cmd, 'a docker compose client is installed (npm test installs Debian docker-compose when missing)');
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), '-f', 'docker-compose.yaml', 'config', '--services'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const services = r.stdout.trim().split('\n').sort();
    for (const s of ['kafka', 'registry', 'clickhouse', 'materializer', 'registry-projector', 'trainer', 'gateway', 'simulator', 'prometheus', 'grafana']) {
      assert.ok(services.includes(s), `service ${s} is defined`);
    }
  });
});
