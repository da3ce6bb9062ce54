/**
 * The generated /openapi.json passes a strict validator (openapi-spec-validator,
 * pinned in stack/python/test-requirements.txt): any error fails, an unbounded
 * $ref recursion included. Built from the routes as the gateway builds it, with
 * reads open and closed; needs the Python tool, not the stack.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, withOverrides } from '../../lib/config.js';
import { createLogger } from '../../lib/log.js';
import { installPythonTestTools, venvTool } from '../../stack/install.js';
import { allRoutes } from '../app.js';
import type { GatewayContext } from '../context.js';
import { buildOpenApi } from './openapi.js';

describe('openapi-spec-validator', () => {
  it('accepts the generated document, reads open and closed', () => {
    const base = loadConfig();
    installPythonTestTools(base, createLogger('test'));
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      for (const openReads of [true, false]) {
        const cfg = withOverrides(base, (d) => void (d.gateway.openReads = openReads));
        // building the routes reads only the config; handlers are never called here
        const doc = buildOpenApi(allRoutes({ cfg } as unknown as GatewayContext), { title: 't', version: '1', description: 'd' }, { openReads });
        const file = join(dir, `openapi-${openReads}.json`);
        writeFileSync(file, JSON.stringify(doc));
        const r = spawnSync(venvTool(base, 'openapi-spec-validator'), [file], { encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 0, `openReads=${openReads}: ${r.stdout}${r.stderr}`.slice(0, 4000));
        assert.match(r.stdout, /: OK\s*$/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
