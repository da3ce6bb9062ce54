/**
 * The dashboard's API types come from the gateway's zod schemas by type
 * imports only: the lint layer lets web/ import the types of
 * gateway/api/*schemas.js and refuses their code and anything else of
 * gateway/ (eslint.config.js, webBoundary).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();
/** The import-rule messages for `code` linted as a web/ source file. */
async function importErrors(code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: 'web/src/probe.ts' });
  return r!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('web/ imports of the gateway (lint layer)', () => {
  it('allows a type import of an API schema, and api-types.ts lints clean', async () => {
    assert.deepEqual(await importErrors("import type { ScheduleResponse } from '../../gateway/api/schemas.js';\nexport type S = typeof ScheduleResponse;\n"), []);
    const [r] = await eslint.lintFiles(['web/src/api-types.ts']);
    assert.equal(r!.errorCount, 0, JSON.stringify(r!.messages));
  });

  it('refuses a value import of an API schema (its code would enter the bundle)', async () => {
    const errs = await importErrors("import { ScheduleResponse } from '../../gateway/api/schemas.js';\nexport const s = ScheduleResponse;\n");
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /only the TYPES of the gateway API schemas/);
  });

  it('refuses even a type import of any other gateway file, and any import of another process folder', async () => {
    assert.match((await importErrors("import type { LoadedModel } from '../../gateway/model/holder.js';\nexport type M = LoadedModel;\n"))[0] ?? '', /only the types of its API schemas/);
    assert.match((await importErrors("import type { Config } from '../../trainer/main.js';\nexport type C = Config;\n"))[0] ?? '', /web\/ is a process folder/);
  });
});
