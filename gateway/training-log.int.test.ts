/**
 * Training log lines across processes, as `npm start` runs them: the trainer
 * is its own process (`node --import tsx trainer/main.ts`, isolated env), the
 * gateway and the materializer run here. A training requested through the
 * gateway streams its phases and XGBoost lines to a Socket.IO client of the
 * gateway, over the training.log topic, once each, before the run's record.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { startMaterializer, type Materializer } from '../consumers/materializer/main.js';
import { isolatedEnv } from '../lib/testing.js';
import { waitForRows } from '../trainer/test/fixture.js';
import type { ServerEvents, Snapshot, TrainingLine } from '../domain/live/protocol.js';
import { startGateway, type Gateway } from './server.js';
import { auth, call, setUp, type Fixture } from './test/fixture.js';

let f: Fixture;
let mat: Materializer;
let gw: Gateway;
let trainer: ChildProcess;
let socket: Socket<ServerEvents>;
let trainerOutput = '';
const lines: TrainingLine[] = [];
const REASON = 'training log across processes';

/** The snapshot a Socket.IO client gets on connect. */
const snapshotOf = (s: Socket<ServerEvents>) => new Promise<Snapshot>((resolve) => s.once('snapshot', resolve));

/** Polls until `pred` holds; fails naming `what`, with the trainer's output. */
async function waitFor(pred: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}\ntrainer output:\n${trainerOutput.slice(-3000)}`);
    if (trainer?.exitCode !== null && trainer?.exitCode !== undefined) assert.fail(`trainer exited with ${trainer.exitCode}:\n${trainerOutput.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('training log from a trainer in another process', { timeout: 240_000 }, () => {
  before(async () => {
    // series 2:3 is kept younger than 52 + 8 weeks, so with TRAIN_THRESHOLD_FRACTION=1 the
    // trainer's threshold watcher does not add a second run to the one this test asks for
    f = await setUp('trainlog', { keep: (e) => !(e.store === 2 && e.dept === 3 && e.week < '2010-12-01'), patch: (d) => (d.materializer.batchMs = 100) });
    mat = await startMaterializer(f.cfg);
    await waitForRows(f.cfg, f.events.length);
    gw = await startGateway(f.cfg);
    socket = io(gw.url, { path: '/socket.io', transports: ['websocket'] });
    socket.on('training', (l) => void lines.push(l));
    await snapshotOf(socket);
  });
  after(async () => {
    socket?.close();
    if (trainer && trainer.exitCode === null) {
      trainer.kill('SIGTERM');
      await Promise.race([once(trainer, 'exit'), new Promise((r) => setTimeout(r, 30_000).unref())]);
      if (trainer.exitCode === null) trainer.kill('SIGKILL');
    }
    await gw?.close();
    await mat?.stop();
    await f?.cleanup();
  });

  it('streams the run\'s phases and XGBoost lines to the gateway\'s Socket.IO clients, once each', async () => {
    const r = await call(gw.url, 'POST', '/v1/ops/train', { reason: REASON }, auth);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    trainer = spawn(process.execPath, ['--import', 'tsx', 'trainer/main.ts'], {
      cwd: f.cfg.root,
      env: { ...isolatedEnv(f.cfg, f.prefix), TRAIN_HORIZON: '4', TRAIN_HOLDOUT_WEEKS: '8', TRAIN_THRESHOLD_FRACTION: '1', TRAIN_CRON: '0 0 1 1 *' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trainer.stdout!.on('data', (b: Buffer) => (trainerOutput += b.toString()));
    trainer.stderr!.on('data', (b: Buffer) => (trainerOutput += b.toString()));

    await waitFor(() => lines.some((l) => l.kind === 'started' && l.text.includes(REASON)), 'the run to start');
    const runId = lines.find((l) => l.kind === 'started' && l.text.includes(REASON))!.runId!;
    await waitFor(() => lines.some((l) => l.kind === 'finished' && l.runId === runId), 'the run to be recorded');

    // the last phases are said moments before the record, so they may land just after it
    await waitFor(() => lines.some((l) => l.runId === runId && l.kind === 'phase' && /^publish done/.test(l.text)), 'the last phase line');
    const ofRun = lines.filter((l) => l.runId === runId);
    const relayed = ofRun.filter((l) => l.kind === 'phase' || l.kind === 'log');
    const xgb = ofRun.findIndex((l) => l.kind === 'log' && /^(round \d+\/\d+|xgboost done)/.test(l.text));
    assert.ok(ofRun.some((l) => l.kind === 'phase' && /^read done in/.test(l.text)), `a phase line: ${JSON.stringify(ofRun)}`);
    assert.ok(xgb >= 0 && xgb < ofRun.findIndex((l) => l.kind === 'finished'), `XGBoost lines stream before the run is recorded: ${JSON.stringify(ofRun)}`);
    const texts = relayed.map((l) => `${l.kind} ${l.text}`);
    assert.equal(new Set(texts).size, texts.length, `no line twice: ${JSON.stringify(texts)}`);
    assert.ok(relayed.every((l) => l.at > 0 && l.at <= Date.now()), 'lines carry the time the trainer said them');

    // a dashboard that connects later gets them in its snapshot too
    const late: Socket<ServerEvents> = io(gw.url, { path: '/socket.io', transports: ['websocket'] });
    try {
      const snap = await snapshotOf(late);
      assert.ok(snap.training.some((l) => l.runId === runId && l.kind === 'phase'));
    } finally {
      late.close();
    }
  });
});
