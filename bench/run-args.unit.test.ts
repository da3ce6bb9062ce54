/**
 * `npm run bench` argument handling (bench/run.ts): which benchmark a word
 * selects, checked by running the CLI with --help or with arguments it must
 * refuse before any benchmark starts (no stack needed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run bench -- hierarchy', () => {
  it('--help lists the hierarchy benchmark, its sources and its flags', () => {
    const r = bench('--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /hierarchy \[real\|sim\]/);
    assert.match(r.out, /bench\/hierarchy\.ts/);
    assert.match(r.out, /hierarchy --csv DIR --points FILE --warmup 8 --refit-every 4/);
  });

  it('refuses a source other than real or sim, naming it, before running anything', () => {
    const r = bench('hierarchy', 'bogus');
    assert.equal(r.code, 2);
    assert.match(r.err, /^bogus: unexpected argument after hierarchy; expected "real", "sim" or nothing/m);
    assert.doesNotMatch(r.out, /== bench\/hierarchy\.ts/, 'no benchmark started');
  });

  it('refuses sim without hierarchy (sim is only a source of the hierarchy benchmark)', () => {
    const r = bench('sim');
    assert.equal(r.code, 2);
    assert.match(r.err, /^sim: unexpected argument; expected "real", "hierarchy \[real\|sim\]" or nothing/m);
  });

  it('accepts the hierarchy flags and passes them on: the benchmark itself refuses a bad --warmup with exit 2', () => {
    const r = bench('hierarchy', 'sim', '--warmup', 'x');
    assert.match(r.out, /== bench\/hierarchy\.ts/, 'run.ts accepted the flag and started bench/hierarchy.ts');
    assert.match(r.err, /--warmup: expected a positive integer/);
    assert.equal(r.code, 2, 'the single benchmark\'s exit code is kept');
  });
});
