import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./unit-entry.ts', import.meta.url));

function run(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'unit-entry-'));
  try {
    const paths = Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    // without the parent runner's context, so the child prints TAP rather than the runner's wire format
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test-reporter=tap', entry, ...paths], { encoding: 'utf8', env });
    return { status: r.status, out: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const passing = "import { test } from 'node:test';\ntest('one plus one', () => { if (1 + 1 !== 2) throw new Error('no'); });\n";
const failing = "import { test } from 'node:test';\ntest('one is two', () => { if (1 !== 2) throw new Error('one is not two'); });\n";

test('the single-process unit run exits 0 when every file passes', () => {
  const r = run({ 'a.unit.test.ts': passing, 'b.unit.test.ts': passing });
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /# pass 2/);
});

test('one failing test among passing files fails the run', () => {
  const r = run({ 'a.unit.test.ts': passing, 'b.unit.test.ts': failing });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /# fail 1/);
});

test('a file that does not load is a failing test named after it, and the other files still run', () => {
  const r = run({ 'a.unit.test.ts': 'this is not ( typescript', 'b.unit.test.ts': passing });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /not ok \d+ - .*a\.unit\.test\.ts loads/);
  assert.match(r.out, /# pass 1/);
});
