/**
 * The one entry point of every command line (`npm run stack|simulate|models|
 * replay|backtest|dlq|bench|chaos|materialize`): flags parsed strictly by
 * node:util parseArgs, `--help`/`-h` answered the same way everywhere, and a
 * thrown error turned into an exit code from one typed table. A user's
 * mistake is one plain line on stderr naming the flag (or argument) and what
 * was expected, never a stack trace or a JSON log line; a bug prints its
 * stack, so whoever runs the command can report it.
 */
import { parseArgs } from 'node:util';
import { AppError, DependencyError, messageOf } from '../errors.js';

/**
 * What a command can end with, besides success. User mistakes (exit 2): a bad
 * flag or argument (USAGE), a value that fails validation (VALIDATION), bad
 * configuration (CONFIG), something asked for that does not exist
 * (NOT_FOUND), a command the state moved on under (CONFLICT), a command the
 * current state refuses (REFUSED: the CLI names those codes). Failures (exit
 * 1): a dependency down (DEPENDENCY) or a known failure (FAILED). A bug
 * (anything not an AppError) exits 70 (sysexits EX_SOFTWARE) with its stack.
 */
export type CliErrorCode = 'USAGE' | 'VALIDATION' | 'CONFIG' | 'NOT_FOUND' | 'CONFLICT' | 'REFUSED' | 'DEPENDENCY' | 'FAILED' | 'BUG';

export const EXIT_CODES: { readonly [C in CliErrorCode]: number } = {
  USAGE: 2,
  VALIDATION: 2,
  CONFIG: 2,
  NOT_FOUND: 2,
  CONFLICT: 2,
  REFUSED: 2,
  DEPENDENCY: 1,
  FAILED: 1,
  BUG: 70,
};

/** A wrong flag or argument: `what` is the flag (`--weeks`) or argument (`command`), `problem` what was expected. */
export class UsageError extends AppError {
  readonly what: string;
  constructor(what: string, problem: string) {
    super('USAGE', `${what}: ${problem}`);
    this.what = what;
  }
}

/** The flags of a command, as node:util parseArgs takes them (`help` is added by parseCli). */
export type CliOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface CliSpec {
  /** the whole help text, printed by --help */
  usage: string;
  options?: CliOptions;
  /** whether words that are not flags are accepted (commands, ids, files); default true */
  positionals?: boolean;
  /** AppError codes this command answers as the user's to fix (exit 2), e.g. NO_CHAMPION */
  refusals?: readonly string[];
}

export interface CliArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` against the spec; null means --help was asked for. Throws a
 * UsageError for: an unknown flag (listing the known ones), a string flag
 * without a value (at the end, or followed by another flag), a value given
 * to a switch (`--keep=yes`), and a word where the command takes none.
 */
export function parseCli(spec: CliSpec, argv: readonly string[]): CliArgs | null {
  const options = { ...spec.options, help: { type: 'boolean' as const, short: 'h' } };
  const known = Object.keys(options).map((k) => `--${k}`);
  // non-strict first, to judge every token ourselves: parseArgs's own errors are multi-line and name no expectation
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return null;
  for (const t of tokens) {
    if (t.kind === 'positional' && spec.positionals === false) {
      throw new UsageError(t.value, known.length > 1 ? `unexpected argument; this command takes only flags (${known.join(', ')})` : 'unexpected argument; this command takes none (see --help)');
    }
    if (t.kind !== 'option') continue;
    const o = (options as CliOptions)[t.name];
    if (!o) throw new UsageError(t.rawName, `unknown flag; known flags: ${known.join(', ')}`);
    if (o.type === 'boolean' && t.value !== undefined) throw new UsageError(t.rawName, `a switch, expected no value (got "${t.value}")`);
    if (o.type === 'string' && t.value === undefined) throw new UsageError(t.rawName, 'expected a value after the flag');
    // parseArgs would take the next flag as the value; a value that starts with "-" is written --flag=-1
    if (o.type === 'string' && !t.inlineValue && t.value!.startsWith('-')) throw new UsageError(t.rawName, `expected a value after the flag, got the flag "${t.value}" (write ${t.rawName}=${t.value} if that is the value)`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError('arguments', messageOf(err).split('\n')[0]!);
  }
  const { help: _help, ...values } = parsed.values;
  return { values, positionals: parsed.positionals };
}

/** The code a thrown error ends the command with (see CliErrorCode). */
export function cliErrorCode(err: unknown, refusals: readonly string[] = []): CliErrorCode {
  if (!(err instanceof AppError)) return 'BUG';
  if (err instanceof DependencyError) return 'DEPENDENCY';
  if (refusals.includes(err.code)) return 'REFUSED';
  switch (err.code) {
    case 'USAGE':
    case 'VALIDATION':
    case 'CONFIG':
    case 'NOT_FOUND':
    case 'CONFLICT':
      return err.code;
    default:
      return 'FAILED';
  }
}

/** What stderr gets for a thrown error: one line, plus the stack for a bug (or for any error with `stack`, LOG_LEVEL=debug). */
export function cliErrorText(err: unknown, code: CliErrorCode, stack = code === 'BUG'): string {
  const line = messageOf(err).replace(/\s*\n\s*/g, ' ');
  const trace = stack && err instanceof Error && err.stack ? `${err.stack}\n` : '';
  return code === 'BUG' ? `unexpected failure (a bug; please report it with this output): ${line}\n${trace}` : `${line}\n${trace}`;
}

/**
 * The arguments of this process, parsed against `spec`; for --help prints the
 * usage and exits 0, for a wrong flag or argument prints its one line and
 * exits 2. The entry of a long-running service, whose own main keeps running.
 */
export function cliArgs(spec: CliSpec): CliArgs {
  let args: CliArgs | null;
  try {
    args = parseCli(spec, process.argv.slice(2));
  } catch (err) {
    process.stderr.write(cliErrorText(err, 'USAGE'));
    process.exit(EXIT_CODES.USAGE);
  }
  if (args === null) {
    process.stdout.write(`${spec.usage}\n`);
    process.exit(0);
  }
  return args;
}

/**
 * Runs a command line: parses process.argv against `spec` (printing the
 * usage for --help), runs `main`, and exits with the code it returns (default
 * 0) or the one its error maps to. `main` prints its own results. With
 * LOG_LEVEL=debug every error's stack is printed too.
 */
export function runCli(main: (args: CliArgs) => Promise<number | void>, spec: CliSpec): void {
  const args = cliArgs(spec);
  main(args).then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      const code = cliErrorCode(err, spec.refusals);
      // the one place a CLI reads the environment itself: the config may be what failed to load
      process.stderr.write(cliErrorText(err, code, code === 'BUG' || process.env.LOG_LEVEL === 'debug'));
      process.exit(EXIT_CODES[code]);
    },
  );
}

/** The --help text of a long-running service (it takes no arguments: the environment configures it). */
export function serviceUsage(name: string, about: string): string {
  return `${name}: runs ${about} until SIGINT/SIGTERM.
Takes no arguments: configured by the environment (every variable is in .env.example).
  -h, --help  this text`;
}
