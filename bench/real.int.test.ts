/**
 * The real-data evaluation end to end, short: a Kaggle-layout history
 * (gzipped, written from the simulator: 3 stores x 4 departments, so one fit
 * takes seconds) goes through `npm run bench -- real --csv DIR --protocol one`,
 * that is: imported into its own topic prefix, read back, backtested at one
 * cut-off over 39 weeks, scored on every point. The long run on
 * ../shared/data/walmart-dev/ is `npm run bench -- real` (README).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { generateHistory } from '../domain/simulation/generator.js';
import { parseIsoDay } from '../lib/weeks.js';

const dir = mkdtempSync(join(tmpdir(), 'real-eval-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes train.csv.gz; returns how many rows have a target week in the protocol's 39 weeks after 2012-01-27. */
function writeHistory(): number {
  const events = [...generateHistory({ seed: 7, stores: 3, depts: 4, producedAt: 0 })];
  const lines = ['Store,Dept,Date,Weekly_Sales,IsHoliday', ...events.map((e) => `${e.store},${e.dept},${e.week},${e.weeklySales},${e.isHoliday ? 'TRUE' : 'FALSE'}`)];
  writeFileSync(join(dir, 'train.csv.gz'), gzipSync(`${lines.join('\n')}\n`));
  const from = parseIsoDay('2012-01-27')!;
  return events.filter((e) => {
    const d = parseIsoDay(e.week)!;
    return d > from && d <= from + 7 * 39;
  }).length;
}

function run(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/real.ts', 'real', ...args], { encoding: 'utf8', timeout: 600_000 });
}

describe('npm run bench -- real (short, through Kafka)', () => {
  it('imports a gzipped history, runs the one-cut-off protocol and scores every point with an actual', () => {
    const expected = writeHistory();
    const r = run(['--csv', dir, '--protocol', 'one']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /imported \d[\d,]* events into real\w+\.sales\.weekly/);
    const row = r.stdout.split('\n').find((l) => /^one\s+1\.\.39\s/.test(l));
    assert.ok(row, `the headline row:\n${r.stdout}`);
    const [, , points, share, wmae] = row.trim().split(/\s+/);
    assert.equal(Number(points!.replaceAll(',', '')), expected, 'every point with an actual is scored');
    assert.match(share!, /^\d+\.\d%$/);
    assert.ok(Number(wmae) > 0 && Number(wmae) < 2, `WMAE ratio ${wmae}`);
    for (const band of ['1..4', '5..13', '14..39']) assert.match(r.stdout, new RegExp(`^\\s+${band.replaceAll('.', '\\.')}\\s+\\d`, 'm'), band);
    assert.match(r.stdout, /no value 52 weeks earlier: [\d,]+ points/);
    assert.match(r.stdout, /Same points only \(one: /);
  });

  it('names what is missing when the folder has no train file', () => {
    const r = run(['--csv', join(dir, 'nowhere')]);
    assert.equal(r.status, 2);
    assert.match(r.stdout, /real-data evaluation skipped: .*nowhere has no train\.csv or train\.csv\.gz/);
    const bad = run(['--csv', dir, '--protocol', 'weekly']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--protocol: expected one of one, short, default, got "weekly"/);
  });
});
