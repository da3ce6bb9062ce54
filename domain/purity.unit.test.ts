/**
 * The purity rule of domain/ (eslint.config.js `pureDomain`), run through
 * ESLint's API on source text with the project's config: a pure domain file
 * that imports an I/O package or lib/'s I/O code is refused with the message
 * that says where I/O goes; the same import in domain/<concept>/io/ or in a
 * test passes, and a type import of lib/ is allowed.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

let eslint: ESLint;

/** The messages of one rule for `code` as if it were the file at `filePath`. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

describe('domain purity lint rule', () => {
  before(() => {
    eslint = new ESLint({ cwd: process.cwd() });
  });

  for (const pkg of ['kafkajs', '@clickhouse/client', 'onnxruntime-node', 'node:fs', 'fs/promises', 'node:child_process', 'node:net']) {
    it(`refuses ${pkg} in a pure domain file, saying where I/O goes`, async () => {
      const got = await refusals('domain/sales/probe.ts', `import * as m from '${pkg}';\nexport const x = m;\n`);
      assert.equal(got.length, 1, `${pkg}: ${JSON.stringify(got)}`);
      assert.match(got[0]!, /domain\/<concept>\/io\//);
    });
  }

  it('refuses the code of lib/kafka, lib/projection and the ClickHouse client, allows their types', async () => {
    assert.equal((await refusals('domain/registry/probe.ts', `import { createKafka } from '../../lib/kafka/client.js';\nexport const k = createKafka;\n`)).length, 1);
    assert.equal((await refusals('domain/registry/probe.ts', `import { exec } from '../../lib/clickhouse/client.js';\nexport const e = exec;\n`)).length, 1);
    assert.equal((await refusals('domain/registry/probe.ts', `import { route } from '../../lib/projection/routed-sink.js';\nexport const r = route;\n`)).length, 1);
    assert.deepEqual(await refusals('domain/forecasts/probe.ts', `import type { LogPosition } from '../../lib/projection/routed-sink.js';\nexport type P = LogPosition;\n`), []);
    assert.deepEqual(await refusals('domain/forecasts/probe.ts', `import { ident } from '../../lib/clickhouse/sql.js';\nexport const i = ident;\n`), []);
  });

  it('refuses a pure file importing the code of an io/ adapter', async () => {
    assert.equal((await refusals('domain/sales/probe.ts', `import { createSalesTable } from './io/table.js';\nexport const c = createSalesTable;\n`)).length, 1);
  });

  it('allows I/O in domain/<concept>/io/ and in tests', async () => {
    assert.deepEqual(await refusals('domain/sales/io/probe.ts', `import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n`), []);
    assert.deepEqual(await refusals('domain/sales/probe.unit.test.ts', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`), []);
  });

  it('still refuses a process folder in a pure domain file (the shared-layer rule it extends)', async () => {
    assert.equal((await refusals('domain/sales/probe.ts', `import { x } from '../../gateway/server.js';\nexport const y = x;\n`)).length, 1);
    assert.equal((await refusals('domain/sales/io/probe.ts', `import { x } from '../../../gateway/server.js';\nexport const y = x;\n`)).length, 1);
  });
});
