/**
 * The Python requirements are locks: every package (top-level and
 * transitive) pinned with ==, each with its sha256 hashes, generated from the
 * .in file beside it; the install asks pip for --require-hashes, so a
 * download that differs from the lock is refused.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const LOCKS = ['trainer/python/requirements', 'bench/python/bench-requirements', 'stack/python/test-requirements'];

/** name -> { version, hashes } of a pip requirements file (continuation lines joined, comments dropped). */
function entries(text: string): Map<string, { version: string | null; hashes: number }> {
  const out = new Map<string, { version: string | null; hashes: number }>();
  for (const entry of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = entry.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*(?:==\s*([^\s;]+))?/.exec(line);
    assert.ok(m, `a requirement: ${line}`);
    out.set(m[1]!.toLowerCase().replace(/[._]/g, '-'), { version: m[2] ?? null, hashes: (line.match(/--hash=sha256:[0-9a-f]{64}/g) ?? []).length });
  }
  return out;
}

describe('Python requirements locked with hashes', () => {
  for (const base of LOCKS) {
    it(`${base}.txt pins every package with its hashes, and keeps ${base}.in's versions`, () => {
      const lock = entries(readFileSync(`${base}.txt`, 'utf8'));
      assert.ok(lock.size > 0);
      for (const [name, e] of lock) {
        assert.ok(e.version, `${name} is pinned with ==`);
        assert.ok(e.hashes >= 1, `${name} carries its sha256 hashes`);
      }
      for (const [name, e] of entries(readFileSync(`${base}.in`, 'utf8'))) {
        assert.equal(lock.get(name)?.version, e.version, `${name} of ${base}.in is locked at its version`);
      }
    });
  }

  it('refuses an unhashed or unpinned entry (what the check above would catch)', () => {
    assert.equal(entries('six==1.17.0\n').get('six')?.hashes, 0);
    assert.equal(entries('six\n').get('six')?.version, null);
    assert.equal(entries(`six==1.17.0 \\\n    --hash=sha256:${'a'.repeat(64)}\n    # via x\n`).get('six')?.hashes, 1);
  });

  it('the stack installs them with pip --require-hashes', () => {
    assert.match(readFileSync('stack/install.ts', 'utf8'), /'install', [^\]]*'--require-hashes', '-r', req\]/);
    assert.match(readFileSync('Dockerfile', 'utf8'), /pip install [^\n]*--require-hashes -r trainer\/python\/requirements\.txt/);
  });
});
