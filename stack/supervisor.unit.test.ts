import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger, setLogLevel } from '../lib/log.js';
import { readSupervision } from '../lib/process/supervision.js';
import { Supervisor } from './supervisor.js';

setLogLevel('error');
const until = async (pred: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
};

test('a process that exits is restarted with growing backoff, and the restarts are written for the gateway', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sup-'));
  const sup = new Supervisor({ stackDir: dir, log: createLogger('test'), backoffMs: 100, maxBackoffMs: 400 });
  sup.start([{ name: 'crasher', args: ['-e', 'process.exit(3)'] }]);
  const t0 = Date.now();
  assert.ok(await until(() => sup.processes()[0]!.restarts >= 3, 10_000), `restarted 3 times: ${JSON.stringify(sup.processes())}`);
  // waits 100 + 200 + 400 ms between the four runs (plus the runs themselves)
  assert.ok(Date.now() - t0 >= 700, `backoff grows (${Date.now() - t0} ms)`);
  const s = readSupervision(dir);
  assert.ok(s);
  assert.equal(s.processes[0]!.name, 'crasher');
  assert.ok(s.processes[0]!.restarts >= 2);
  assert.equal(s.processes[0]!.lastExit, 'exit 3');
  await sup.stop();
});

test('stop() sends one SIGTERM and waits for a graceful exit; nothing is restarted after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sup-'));
  const ready = join(dir, 'ready');
  const sup = new Supervisor({ stackDir: dir, log: createLogger('test'), backoffMs: 50, env: { ...process.env, READY_FILE: ready } });
  // counts the signals it gets and exits 0 a moment after the first; says when its handlers are in place
  const script =
    "let n=0; process.on('SIGTERM',()=>{n++; setTimeout(()=>process.exit(n===1?0:9),300)}); process.on('SIGINT',()=>process.exit(8)); require('fs').writeFileSync(process.env.READY_FILE,'1'); setInterval(()=>{},1000)";
  sup.start([{ name: 'worker', args: ['-e', script] }]);
  assert.ok(await until(() => existsSync(ready), 15_000), 'the worker started');
  await sup.stop();
  const p = sup.processes()[0]!;
  assert.equal(p.lastExit, 'exit 0', 'exactly one SIGTERM, and it was allowed to finish');
  assert.equal(p.restarts, 0);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(sup.processes()[0]!.pid, null, 'not restarted');
});
