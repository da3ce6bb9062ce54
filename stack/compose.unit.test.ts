import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { composeCommand } from './install.js';

/** `docker compose config` with the environment less the variables the file reads, plus `env`. */
function config(args: string[], env: Record<string, string> = {}) {
  const cmd = composeCommand();
  assert.ok(cmd, 'a docker compose client is installed (npm test installs Debian docker-compose when missing)');
  const base = { ...process.env };
  for (const k of ['GATEWAY_TOKEN', 'GRAFANA_ADMIN_PASSWORD', 'BIND_ADDRESS']) delete base[k];
  return spawnSync(cmd[0]!, [...cmd.slice(1), '-f', 'docker-compose.yaml', 'config', ...args], { encoding: 'utf8', env: { ...base, ...env } });
}

const TOKEN = 'compose-test-token-0123456789abcdef';
const GRAFANA = 'grafana-test-password';
const REQUIRED = { GATEWAY_TOKEN: TOKEN, GRAFANA_ADMIN_PASSWORD: GRAFANA };

/**
 * The published ports in `config` output, as host address and port: Debian's
 * docker-compose 1.x prints `- 127.0.0.1:8080:8080/tcp`, the compose plugin
 * a block with `host_ip:` and `published:`.
 */
function published(yaml: string): { ip: string | null; port: string }[] {
  const out: { ip: string | null; port: string }[] = [];
  for (const m of yaml.matchAll(/^\s+- (?:(\d+\.\d+\.\d+\.\d+):)?(\d+):\d+(?:\/\w+)?\s*$/gm)) out.push({ ip: m[1] ?? null, port: m[2]! });
  for (const m of yaml.matchAll(/- mode: ingress\n((?:[ \t]+\w+: .*\n?)+)/g)) {
    const ip = /host_ip: (\S+)/.exec(m[1]!)?.[1] ?? null;
    const port = /published: "?(\d+)"?/.exec(m[1]!)?.[1];
    if (port) out.push({ ip, port });
  }
  return out.sort((a, b) => Number(a.port) - Number(b.port));
}

describe('docker-compose.yaml', () => {
  it('is accepted by docker compose config and describes the whole topology', () => {
    const r = config(['--services'], REQUIRED);
    assert.equal(r.status, 0, r.stderr);
    const services = r.stdout.trim().split('\n').sort();
    for (const s of ['kafka', 'registry', 'clickhouse', 'materializer', 'registry-projector', 'trainer', 'gateway', 'simulator', 'prometheus', 'alertmanager', 'grafana']) {
      assert.ok(services.includes(s), `service ${s} is defined`);
    }
  });

  it('requires GATEWAY_TOKEN from the environment and passes it to the gateway', () => {
    const without = config([], { GRAFANA_ADMIN_PASSWORD: GRAFANA });
    assert.notEqual(without.status, 0, 'config without GATEWAY_TOKEN must fail');
    assert.match(without.stderr, /GATEWAY_TOKEN/);
    assert.match(without.stderr, /at least 32 characters/);
    const withToken = config([], REQUIRED);
    assert.equal(withToken.status, 0, withToken.stderr);
    assert.match(withToken.stdout, new RegExp(`GATEWAY_TOKEN: ${TOKEN}`));
    assert.ok(!withToken.stdout.includes('change-me'), 'no default token anywhere');
  });

  it('publishes only the gateway, Prometheus and Grafana, on 127.0.0.1 unless BIND_ADDRESS says otherwise; never the registry', () => {
    const local = config([], REQUIRED);
    assert.equal(local.status, 0, local.stderr);
    assert.deepEqual(published(local.stdout), [
      { ip: '127.0.0.1', port: '3000' },
      { ip: '127.0.0.1', port: '8080' },
      { ip: '127.0.0.1', port: '9090' },
    ]);
    const open = config([], { ...REQUIRED, BIND_ADDRESS: '0.0.0.0' });
    assert.deepEqual(published(open.stdout).map((p) => p.ip), ['0.0.0.0', '0.0.0.0', '0.0.0.0'], 'configurable');
  });

  it('Grafana: the admin password comes from the environment (required), no anonymous access', () => {
    const without = config([], { GATEWAY_TOKEN: TOKEN });
    assert.notEqual(without.status, 0, 'config without GRAFANA_ADMIN_PASSWORD must fail');
    assert.match(without.stderr, /GRAFANA_ADMIN_PASSWORD/);
    const r = config([], REQUIRED);
    assert.match(r.stdout, new RegExp(`GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA}`));
    assert.match(r.stdout, /GF_AUTH_ANONYMOUS_ENABLED: "false"/);
    assert.doesNotMatch(r.stdout, /GF_AUTH_ANONYMOUS_ORG_ROLE/);
  });
});
