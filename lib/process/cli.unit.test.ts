import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, DependencyError, NotFoundError, ValidationError, AppError } from '../errors.js';
import { EXIT_CODES, UsageError, cliErrorCode, cliErrorText, parseCli, type CliSpec } from './cli.js';

const spec: CliSpec = { usage: 'usage: x', options: { weeks: { type: 'string' }, keep: { type: 'boolean' }, target: { type: 'string', multiple: true } } };
const usageError = (argv: string[], s: CliSpec = spec) => {
  try {
    parseCli(s, argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `a UsageError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
};

describe('parseCli: one rule per line', () => {
  it('reads string flags (spaced or with =), switches, repeated flags and words', () => {
    assert.deepEqual(parseCli(spec, ['list', '--weeks', '3', '--keep', '--target=a', '--target', 'b', 'x']), {
      values: { weeks: '3', keep: true, target: ['a', 'b'] },
      positionals: ['list', 'x'],
    });
  });

  it('--help and -h anywhere mean help (null), even beside a wrong flag', () => {
    assert.equal(parseCli(spec, ['--help']), null);
    assert.equal(parseCli(spec, ['list', '-h']), null);
    assert.equal(parseCli(spec, ['--bogus', '--help']), null);
  });

  it('an unknown flag names itself and lists the known ones', () => {
    assert.equal(usageError(['--bogus']), '--bogus: unknown flag; known flags: --weeks, --keep, --target, --help');
    assert.equal(usageError(['--weeks=3', '-x']), '-x: unknown flag; known flags: --weeks, --keep, --target, --help');
  });

  it('a string flag at the end has no value', () => {
    assert.equal(usageError(['--weeks']), '--weeks: expected a value after the flag');
  });

  it('a string flag followed by another flag has no value (the other flag is not taken as its value)', () => {
    assert.equal(usageError(['--weeks', '--keep']), '--weeks: expected a value after the flag, got the flag "--keep" (write --weeks=--keep if that is the value)');
    assert.deepEqual(parseCli(spec, ['--weeks=-3'])?.values, { weeks: '-3' });
  });

  it('a switch takes no value', () => {
    assert.equal(usageError(['--keep=yes']), '--keep: a switch, expected no value (got "yes")');
  });

  it('a command that takes only flags refuses a word', () => {
    assert.equal(usageError(['list'], { ...spec, positionals: false }), 'list: unexpected argument; this command takes only flags (--weeks, --keep, --target, --help)');
    assert.deepEqual(parseCli({ ...spec, positionals: false }, ['--keep']), { values: { keep: true }, positionals: [] });
    assert.equal(usageError(['x'], { usage: 'service', positionals: false }), 'x: unexpected argument; this command takes none (see --help)');
  });
});

describe('exit codes', () => {
  it('user mistakes exit 2, failures 1, bugs 70', () => {
    const cases: [unknown, string, number][] = [
      [new UsageError('--x', 'unknown flag'), 'USAGE', 2],
      [new ValidationError('version', 'a number'), 'VALIDATION', 2],
      [new NotFoundError('model version 9'), 'NOT_FOUND', 2],
      [new ConflictError('moved on', 1, 2), 'CONFLICT', 2],
      [new AppError('NO_CHAMPION', 'no champion yet'), 'FAILED', 1],
      [new DependencyError('kafka', 'down'), 'DEPENDENCY', 1],
      [new TypeError('x is undefined'), 'BUG', 70],
    ];
    for (const [err, code, exit] of cases) {
      assert.equal(cliErrorCode(err), code, String(err));
      assert.equal(EXIT_CODES[cliErrorCode(err)], exit);
    }
  });

  it('a command names the AppError codes that are refusals (the user fixes them): exit 2', () => {
    assert.equal(cliErrorCode(new AppError('NO_CHAMPION', 'no champion yet'), ['NO_CHAMPION']), 'REFUSED');
    assert.equal(EXIT_CODES.REFUSED, 2);
  });

  it('a user error prints one line; a bug its stack', () => {
    assert.equal(cliErrorText(new AppError('USAGE', 'command: expected list\nor show'), 'USAGE'), 'command: expected list or show\n');
    const bug = cliErrorText(new TypeError('x is undefined'), 'BUG');
    assert.match(bug, /^unexpected failure \(a bug; please report it with this output\): x is undefined\nTypeError: x is undefined\n\s+at /);
  });
});
