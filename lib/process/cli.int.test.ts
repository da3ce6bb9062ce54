/**
 * Every command line of the project, run for real as a process: `--help`
 * exits 0 with its usage on stdout, and an unknown flag exits 2 with one
 * plain line on stderr naming it (no stack trace, no JSON log line), before
 * any service is touched. The CLIs are the package.json scripts plus the
 * long-running services; a new script is picked up by itself.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/** The entry files of the package.json scripts run with tsx, plus the services npm start runs. */
function entries(): string[] {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const files = Object.values(scripts).flatMap((s) => [.../\btsx (\S+\.ts)\b/.exec(s)?.slice(1) ?? []]);
  const services = ['consumers/registry/main.ts', 'consumers/webhooks/main.ts', 'trainer/main.ts', 'gateway/main.ts'];
  return [...new Set([...files, ...services])].sort();
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    // LOG_FORMAT=json: a message that went through the logger would show as a JSON line
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Runs `f` over `items`, `n` at a time (the machine is shared: not all at once). */
async function pool<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  }));
  return out;
}

describe('every CLI answers --help and an unknown flag the same way', { timeout: 600_000 }, () => {
  const files = entries();

  it('finds the CLIs of package.json and the services', () => {
    for (const f of ['stack/cli.ts', 'producers/cli.ts', 'trainer/cli/cli.ts', 'consumers/replay/cli.ts', 'consumers/dead-letters/cli.ts', 'bench/run.ts', 'chaos/run.ts', 'consumers/materializer/main.ts', 'gateway/main.ts']) {
      assert.ok(files.includes(f), `${f} is checked (found ${files.join(', ')})`);
    }
  });

  it('--help: exit 0, the usage on stdout', async () => {
    const runs = await pool(files, 3, (f) => run(f, ['--help']));
    files.forEach((f, i) => {
      const r = runs[i]!;
      assert.equal(r.code, 0, `${f} --help exits 0 (stderr: ${r.err})`);
      assert.match(r.out, /--help/, `${f} --help prints a usage that lists --help`);
      assert.doesNotMatch(r.out, /^\{/m, `${f} --help prints text, not log lines`);
    });
  });

  it('--bogus: exit 2, one plain line naming the flag and the known ones, nothing on stdout', async () => {
    const runs = await pool(files, 3, (f) => run(f, ['--bogus']));
    files.forEach((f, i) => {
      const r = runs[i]!;
      assert.equal(r.code, 2, `${f} --bogus exits 2 (stderr: ${r.err})`);
      const lines = r.err.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
      assert.equal(lines.length, 1, `${f} --bogus prints one line, got:\n${r.err}`);
      assert.match(lines[0]!, /^--bogus: unknown flag; known flags: (--[a-z-]+, )*--help$/, `${f}: the line names the flag and the known ones`);
      assert.equal(r.out, '', `${f} --bogus prints nothing on stdout`);
    });
  });
});
