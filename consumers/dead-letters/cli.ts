/**
 * `npm run dlq -- list|show|redrive`: browse the dead-letter topic and
 * re-drive messages after a fix. Needs only Kafka (and the schema registry
 * to show a record's fields).
 */
import { AvroCodec } from '../../lib/avro/codec.js';
import { loadConfig, type Config } from '../../lib/config.js';
import { runCli, UsageError, type CliArgs } from '../../lib/process/cli.js';
import { messageOf } from '../../lib/errors.js';
import { readDeadLetters, redrive, type DeadMessage } from '../../lib/kafka/dead-letter-log.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger, setLogLevel } from '../../lib/log.js';

const log = createLogger('dlq');
const USAGE = `usage: npm run dlq -- <command> [options]
  list                     every dead-lettered message: id (topic/partition@offset), consumers, reason, re-driven
     [--reason TEXT]       only those whose reason contains TEXT
  show ID                  one message: its letters (consumer, time, reason) and its decoded record
  redrive ID [ID ...]      re-send the original bytes to the origin topic, once per message, and record it
  redrive --all [--reason TEXT] [--dry-run]
                           every message not re-driven yet (optionally only those whose reason contains TEXT)
  -h, --help               this text`;

function pad(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

function listTable(messages: DeadMessage[]): string {
  const lines = [`${pad('id', 44)} ${pad('consumers', 40)} ${pad('re-driven', 10)} reason`];
  for (const m of messages) {
    const groups = [...new Set(m.letters.map((l) => l.group))].join(',');
    lines.push(`${pad(m.id, 44)} ${pad(groups, 40)} ${pad(m.redriven.length > 0 ? `${m.redriven.length}x` : '-', 10)} ${m.letters[0]?.reason ?? ''}`);
  }
  lines.push(`${messages.length} message(s), ${messages.reduce((n, m) => n + m.letters.length, 0)} letter(s)`);
  return lines.join('\n');
}

async function show(cfg: Readonly<Config>, m: DeadMessage): Promise<string> {
  const out = [`${m.id} (key ${m.key ?? 'none'}, ${m.value?.length ?? 0} bytes)`];
  for (const l of m.letters) out.push(`  letter @${l.offset} by ${l.group} at ${l.at}: ${l.reason}`);
  for (const r of m.redriven) out.push(`  re-driven at ${r.at} by ${r.by}`);
  try {
    const { value } = await AvroCodec.fromConfig(cfg).decodeAny(m.value);
    out.push(`  record: ${JSON.stringify(value)}`);
  } catch (err) {
    out.push(`  record not decodable (${messageOf(err)}); first bytes: ${m.value?.subarray(0, 32).toString('hex') ?? 'none'}`);
  }
  return out.join('\n');
}

function pick(all: DeadMessage[], ids: string[], values: { all?: boolean; reason?: string }): DeadMessage[] {
  const byReason = (m: DeadMessage) => !values.reason || m.letters.some((l) => l.reason.includes(values.reason!));
  if (values.all) return all.filter((m) => m.redriven.length === 0 && byReason(m));
  if (ids.length === 0) throw new UsageError('redrive', 'expected message ids (from npm run dlq -- list) or --all');
  return ids.map((id) => {
    const m = all.find((x) => x.id === id);
    if (!m) throw new UsageError('redrive', `no dead-lettered message ${id} (see npm run dlq -- list)`);
    return m;
  });
}

async function main({ positionals, values: v }: CliArgs): Promise<number> {
  const values = v as { all?: boolean; reason?: string; 'dry-run'?: boolean };
  const [cmd, ...ids] = positionals;
  if (!cmd) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // a wrong command is answered before any connection
  if (!['list', 'show', 'redrive'].includes(cmd)) throw wrongCommand(cmd);
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel, cfg.logFormat);
  const kafka = createKafka(cfg, 'dlq-tool');
  const all = await readDeadLetters(kafka, cfg.topics.deadLetter);
  switch (cmd) {
    case 'list':
      process.stdout.write(`${listTable(all.filter((m) => !values.reason || m.letters.some((l) => l.reason.includes(values.reason!))))}\n`);
      return 0;
    case 'show': {
      const m = all.find((x) => x.id === ids[0]);
      if (!m) throw new UsageError('show', `expected the id of a dead-lettered message (see npm run dlq -- list), got ${ids[0] ?? 'nothing'}`);
      process.stdout.write(`${await show(cfg, m)}\n`);
      return 0;
    }
    case 'redrive': {
      const chosen = pick(all, ids, values);
      if (values['dry-run']) {
        process.stdout.write(`would re-drive ${chosen.length} message(s):\n${chosen.map((m) => `  ${m.id}`).join('\n')}\n`);
        return 0;
      }
      const n = await redrive(kafka, cfg.topics.deadLetter, chosen, `dlq-cli@${process.env.USER ?? 'unknown'}`);
      log.info(`re-drove ${n} message(s) to their origin topics; the re-drive is recorded on ${cfg.topics.deadLetter}`);
      return 0;
    }
    default:
      throw wrongCommand(cmd);
  }
}

const wrongCommand = (cmd: string) => new UsageError('command', `expected list, show or redrive (see --help), got "${cmd}"`);

runCli(main, { usage: USAGE, options: { all: { type: 'boolean' }, reason: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
