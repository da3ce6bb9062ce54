import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { composeCommand } from './install.js';

/** `docker compose config` with the environment less GATEWAY_TOKEN, plus `env`. */
function config(args: string[], env: Record<string, string> = {}) {
  const cmd = composeCommand();
  assert.ok(cmd, 'a docker compose client is installed (npm test installs Debian docker-compose when missing)');
  const base = { ...process.env };
  delete base.GATEWAY_TOKEN;
  return spawnSync(cmd[0]!, [...cmd.slice(1), '-f', 'docker-compose.yaml', 'config', ...args], { encoding: 'utf8', env: { ...base, ...env } });
}

const TOKEN = 'compose-test-token-0123456789abcdef';

describe('docker-compose.yaml', () => {
  it('is accepted by docker compose config and describes the whole topology', () => {
    const r = config(['--services'], { GATEWAY_TOKEN: TOKEN });
    assert.equal(r.status, 0, r.stderr);
    const services = r.stdout.trim().split('\n').sort();
    for (const s of ['kafka', 'registry', 'clickhouse', 'materializer', 'registry-projector', 'trainer', 'gateway', 'simulator', 'prometheus', 'grafana']) {
      assert.ok(services.includes(s), `service ${s} is defined`);
    }
  });

  it('requires GATEWAY_TOKEN from the environment and passes it to the gateway', () => {
    const without = config([]);
    assert.notEqual(without.status, 0, 'config without GATEWAY_TOKEN must fail');
    assert.match(without.stderr, /GATEWAY_TOKEN/);
    assert.match(without.stderr, /at least 32 characters/);
    const withToken = config([], { GATEWAY_TOKEN: TOKEN });
    assert.equal(withToken.status, 0, withToken.stderr);
    assert.match(withToken.stdout, new RegExp(`GATEWAY_TOKEN: ${TOKEN}`));
    assert.ok(!withToken.stdout.includes('change-me'), 'no default token anywhere');
  });
});
