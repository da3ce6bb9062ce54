/**
 * The size rule of eslint.config.js (`sizes`): through ESLint's API with the
 * project's config, a function of 61 counted lines and a file of 251 are
 * refused, 60 and 250 pass, blank lines and comments are not counted, and
 * tests are exempt.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

let eslint: ESLint;

async function sizeErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'max-lines' || m.ruleId === 'max-lines-per-function').map((m) => m.ruleId!);
}

/** A function of exactly `n` lines (its opening and closing lines included), with a blank line and a comment between each statement. */
function fn(n: number): string {
  // 4 lines around the body: the signature, `let sum`, `return sum` and the closing brace
  const body = Array.from({ length: n - 4 }, (_, i) => `  sum += ${i};\n\n  // a comment\n`).join('');
  return `export function f(): number {\n  let sum = 0;\n${body}  return sum;\n}\n`;
}

/** `n` lines of one-line statements. */
function lines(n: number): string {
  return Array.from({ length: n }, (_, i) => `export const v${i} = ${i};\n`).join('');
}

describe('size lint rule', () => {
  before(() => {
    eslint = new ESLint({ cwd: process.cwd() });
  });

  it('refuses a function of 61 lines and passes one of 60, blank lines and comments not counted', async () => {
    assert.deepEqual(await sizeErrors('lib/probe.ts', fn(61)), ['max-lines-per-function']);
    assert.deepEqual(await sizeErrors('lib/probe.ts', fn(60)), []);
  });

  it('refuses a file of 251 lines and passes one of 250', async () => {
    assert.deepEqual(await sizeErrors('gateway/probe.ts', lines(251)), ['max-lines']);
    assert.deepEqual(await sizeErrors('gateway/probe.ts', lines(250)), []);
  });

  it('exempts tests', async () => {
    assert.deepEqual(await sizeErrors('gateway/probe.int.test.ts', lines(300) + fn(80)), []);
  });
});
