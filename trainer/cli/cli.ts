/**
 * The registry and training CLI. User errors print one line naming what was
 * wrong (exit 2); dependency failures print their message (exit 1); no stack
 * traces unless LOG_LEVEL=debug (lib/process/cli.ts).
 *
 *   npx tsx trainer/cli/cli.ts models list
 *   npx tsx trainer/cli/cli.ts models show <version>
 *   npx tsx trainer/cli/cli.ts models promote <version> [--reason text] [--expect <champion>] [--by name]
 *   npx tsx trainer/cli/cli.ts models rollback [<version>] [--reason text] [--expect <champion>] [--by name]
 *
 * promote and rollback are decided against the registry read from the log to
 * its end (not the projection); with --expect, or when another promotion
 * lands first, a different champion is refused with a conflict (exit 2).
 *   npx tsx trainer/cli/cli.ts train [--reason text] [--cutoff YYYY-MM-DD] [--params JSON] [--by name]
 */
import { userInfo } from 'node:os';
import { loadConfig, type Config } from '../../lib/config.js';
import { parseCli, runCli, type CliSpec } from '../../lib/process/cli.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { setLogLevel } from '../../lib/log.js';
import { openRegistryClient, type ModelDetail, type ModelSummary } from './registry-api.js';

const USAGE = `usage:
  models list                                  versions with stage and holdout WAPE
  models show <version>                        one version in full
  models promote <version> [--reason text]     make a version the champion (manual)
  models rollback [<version>] [--reason text]  back to the previous champion (or <version>)
  train [--reason text] [--cutoff YYYY-MM-DD] [--params JSON]
                                               ask the trainer for a run
options: --by <name> (default: the OS user)
         --expect <v|none>  promote/rollback only if v is still the champion
                            (default: the champion read from the log just before)
         -h, --help         this text`;

/** The models CLI's flags (lib/process/cli.ts parses them strictly: an unknown or value-less flag is named). */
export const MODELS_CLI = {
  usage: USAGE,
  options: { reason: { type: 'string' }, cutoff: { type: 'string' }, params: { type: 'string' }, by: { type: 'string' }, expect: { type: 'string' } },
  // the registry refuses these with the current state: the user picks another version
  refusals: ['NO_CHAMPION', 'NO_PREVIOUS'],
} satisfies CliSpec;

/** --expect: a version, or "none" for "no champion yet"; undefined when the flag is absent. */
export function expectArg(s: string | undefined): number | null | undefined {
  if (s === undefined) return undefined;
  if (s === 'none') return null;
  if (!/^v?\d+$/.test(s)) throw new ValidationError('--expect', 'the champion version you expect to replace, like 7 or v7, or none', s);
  return Number(s.replace(/^v/, ''));
}

function versionArg(s: string | undefined, required: boolean): number | undefined {
  if (s === undefined) {
    if (required) throw new ValidationError('version', 'a model version number (see: models list)');
    return undefined;
  }
  if (!/^v?\d+$/.test(s)) throw new ValidationError('version', 'a model version number like 3 or v3', s);
  return Number(s.replace(/^v/, ''));
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

/** The listing as an aligned text table. */
export function formatList(models: readonly ModelSummary[]): string {
  if (models.length === 0) return 'no models yet (ask for one: train --reason "first model")';
  const head = ['version', 'stage', 'WAPE', 'seasonal-naive', 'last-value', 'champion then', 'data to', 'trained (UTC)', 'trigger'];
  const body = models.map((m) => [`v${m.version}`, m.stage, pct(m.wape.model), pct(m.wape.seasonalNaive), pct(m.wape.lastValue), pct(m.wape.champion), m.dataMaxWeek || '-', when(m.trainedAt), m.trigger || '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** One version in full as text. */
export function formatDetail(d: ModelDetail): string {
  const r = d.run;
  const lines = [`v${d.version}  ${d.stage}`];
  if (r) {
    lines.push(
      `run          ${r.runId}`,
      `decision     ${r.decision}: ${r.decisionReason}`,
      `trigger      ${r.trigger}`,
      ...r.reasons.map((x, i) => `${i === 0 ? 'reasons      ' : '             '}${x}`),
      `requests     ${r.requestIds.join(', ')}`,
      `params       ${r.params}`,
      `features     ${r.featureVersion} (${r.features.length} columns), horizon ${r.horizon}`,
      `data         ${r.dataRows} rows, ${r.dataSeries} series, up to ${r.dataMaxWeek || '-'}; sales offsets ${r.topicOffsets}`,
      `holdout      ${r.holdoutWeeks[0] ?? '-'} .. ${r.holdoutWeeks.at(-1) ?? '-'} (${r.holdoutWeeks.length} weeks, ${d.metrics.points ?? 0} points)`,
      `artifact     ${r.artifactUri || '-'} (${r.artifactBytes} bytes)`,
      `trained      ${when(r.trainedAt)} in ${(r.durationMs / 1000).toFixed(1)} s`,
    );
    for (const k of ['model', 'seasonalNaive', 'lastValue', 'champion'] as const) {
      const m = d.metrics[k];
      if (m) lines.push(`${k.padEnd(13)}WAPE ${pct(m.wape)}  MAE ${m.mae?.toFixed(1)}  RMSE ${m.rmse?.toFixed(1)}  WMAE ${m.wmae?.toFixed(1)}`);
    }
    if (d.metrics.championNote) lines.push(`champion     ${d.metrics.championNote}`);
  }
  for (const p of d.promotions) lines.push(`${p.kind.padEnd(13)}${when(p.promotedAt)} by ${p.promotedBy} (previous ${p.previousVersion === null ? '-' : `v${p.previousVersion}`}): ${p.reason}`);
  return lines.join('\n');
}

/** Runs one command; returns the text to print. A conflict is rethrown with what to run next. */
export async function runModelsCommand(cfg: Readonly<Config>, argv: readonly string[]): Promise<string> {
  const args = parseCli(MODELS_CLI, argv);
  if (args === null) return USAGE;
  const flags = args.values as { [K in keyof typeof MODELS_CLI.options]?: string };
  const by = flags.by ?? safeUser();
  const [cmd, sub, arg] = args.positionals;
  if (cmd === undefined || cmd === 'help') return USAGE;
  if (cmd !== 'train' && cmd !== 'models') throw new ValidationError('command', '"models" or "train" (run with --help for help)', cmd);
  const client = openRegistryClient(cfg);
  try {
    return await run(client, { cmd, sub, arg, flags, by });
  } catch (err) {
    throw err instanceof ConflictError ? new ConflictError(conflictMessage(err), err.expected, err.actual) : err;
  } finally {
    await client.close();
  }
}

async function run(
  client: ReturnType<typeof openRegistryClient>,
  { cmd, sub, arg, flags, by }: { cmd: string; sub?: string; arg?: string; flags: { [K in keyof typeof MODELS_CLI.options]?: string }; by: string },
): Promise<string> {
  if (cmd === 'train') {
    const r = await client.requestTraining({
      trigger: 'manual',
      reason: flags.reason ?? 'manual request from the CLI',
      requestedBy: by,
      cutoffWeek: flags.cutoff ?? null,
      params: flags.params ?? null,
    });
    return `requested training ${r.requestId}${r.cutoffWeek ? ` (data up to ${r.cutoffWeek})` : ''}: ${r.reason}`;
  }
  switch (sub) {
    case 'list':
      return formatList(await client.listModels());
    case 'show':
      return formatDetail(await client.showModel(versionArg(arg, true)!));
    case 'promote': {
      const expectedChampion = expectArg(flags.expect);
      const p = await client.promoteVersion(versionArg(arg, true)!, {
        kind: 'manual',
        reason: flags.reason ?? `promoted by ${by} from the CLI`,
        by,
        ...(expectedChampion !== undefined ? { expectedChampion } : {}),
      });
      return `v${p.version} is the champion (was ${p.previousVersion === null ? 'none' : `v${p.previousVersion}`})`;
    }
    case 'rollback': {
      const v = versionArg(arg, false);
      const expectedChampion = expectArg(flags.expect);
      const p = await client.rollback({
        ...(v !== undefined ? { version: v } : {}),
        reason: flags.reason ?? `rolled back by ${by} from the CLI`,
        by,
        ...(expectedChampion !== undefined ? { expectedChampion } : {}),
      });
      return `rolled back: v${p.version} is the champion (was v${p.previousVersion})`;
    }
    default:
      throw new ValidationError('models command', 'list | show <v> | promote <v> | rollback [<v>]', sub);
  }
}

/** A conflict as the CLI prints it: what happened and what to run next. */
export function conflictMessage(err: ConflictError): string {
  return `conflict: ${err.message}; nothing changed (see: models list, then retry, with --expect ${err.actual === null ? 'none' : err.actual} if you still want it)`;
}

function safeUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
  process.stdout.write(`${await runModelsCommand(cfg, process.argv.slice(2))}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) runCli(main, MODELS_CLI);
