/**
 * Runs every unit test file in ONE process: `node --test` spawns a process per
 * file, and loading tsx 130 times costs about a minute on two cores, more than
 * the tests themselves. Unit tests are pure logic (no stack, no shared state
 * beyond what each file sets up), so they can share a process; integration
 * tests keep a process each under `npm test`.
 *
 * Usage: node --import tsx stack/unit-entry.ts <file>... (stack/cli.ts `unit`).
 */
import { test } from 'node:test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('unit-entry: expected one or more test files as arguments\n');
  process.exit(2);
}
for (const file of files) {
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    // a file that fails to load is a failing test named after it, not a crash of the whole run
    test(`${file} loads`, () => { throw err; });
  }
}
