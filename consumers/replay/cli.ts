import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../../lib/config.js';
import { runCli, UsageError, type CliArgs } from '../../lib/process/cli.js';
import { createLogger, setLogLevel } from '../../lib/log.js';
import { progressBar } from '../../lib/process/progress.js';
import { selectProjections } from './projections.js';
import { replayStart } from './args.js';
import { replay } from './replay.js';

const log = createLogger('replay');
const USAGE = `usage: npm run replay -- [options]
  --target DB       database to rebuild into (default <live>_replay_<yyyymmddhhmmss>); the live one is untouched
  --from TIME       start at the first event at or after TIME (ISO 8601, e.g. 2026-11-26T10:00:00Z); default: the beginning.
                    Refused with --in-place: a rebuild of the live tables starts at the beginning
  --only NAMES      comma-separated projections (sales, registry, search, backtests, forecasts); default: all
  --in-place        rebuild the live database itself from the beginning (drops its projection tables first; asks for confirmation)
  --yes             confirm --in-place without asking
  -h, --help        this text`;

const OPTIONS = {
  target: { type: 'string' },
  from: { type: 'string' },
  only: { type: 'string' },
  'in-place': { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

async function main(args: CliArgs): Promise<number> {
  const values = args.values as { target?: string; from?: string; only?: string; 'in-place'?: boolean; yes?: boolean };
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel, cfg.logFormat);
  const inPlace = values['in-place'] === true;
  const from = replayStart(values.from, inPlace);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const target = inPlace ? cfg.clickhouse.database : (values.target ?? `${cfg.clickhouse.database}_replay_${stamp}`);
  if (inPlace && !values.yes) {
    if (!process.stdin.isTTY) throw new UsageError('--in-place', 'drops the live projection tables: expected --yes to confirm when not on a terminal');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`This drops and rebuilds the projection tables of the LIVE database "${target}". Type the database name to confirm: `);
    rl.close();
    if (answer.trim() !== target) {
      log.info('not confirmed; nothing changed');
      return 1;
    }
  }
  const projections = selectProjections(values.only ? values.only.split(',').map((s) => s.trim()) : null);
  log.info(`replaying ${projections.map((p) => p.name).join(', ')} from ${from.kind === 'beginning' ? 'the beginning' : new Date(from.ms).toISOString()} into ${target}`);
  const bar = progressBar('replay', 'events');
  const r = await replay(cfg, { target, projections, from, inPlace, onProgress: (done, total) => bar.update(done, total) });
  bar.done();
  log.info(`replayed ${r.events} events in ${r.seconds.toFixed(1)}s (${Math.round(r.eventsPerSecond)} events/s); ${r.deadLetters} would-be dead letters skipped`);
  if (r.comparison) {
    for (const t of r.comparison.tables) {
      process.stdout.write(
        `${t.equal ? 'EQUAL   ' : 'DIFFERS '} ${t.table.padEnd(18)} live ${String(t.live.rows).padStart(8)} rows ${t.live.hash}   replayed ${String(t.replayed.rows).padStart(8)} rows ${t.replayed.hash}\n`,
      );
    }
    process.stdout.write(r.comparison.equal ? 'the replayed projection equals the live one\n' : 'the replayed projection DIFFERS from the live one (did the live one move on during the replay?)\n');
    return r.comparison.equal ? 0 : 3;
  }
  return 0;
}

runCli(main, { usage: USAGE, options: OPTIONS, positionals: false });
