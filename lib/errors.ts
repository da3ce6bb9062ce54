/**
 * One error base for the whole system. Every error carries a stable `code`,
 * an optional `cause` and whether retrying the same operation may succeed;
 * retry and crash policies look only at `retriable`.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  constructor(code: string, message: string, opts: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = opts.retriable ?? false;
  }
}

/** One thing wrong with an input: the field (a path like `items.3.week`), what was expected, the value found. */
export interface FieldProblem {
  field: string;
  expected: string;
  got?: unknown;
}

/**
 * Bad input: names the field and what was expected. Never retriable.
 * `problems` lists every problem found (the first is `field`/`expected`/`got`),
 * so a client fixes a request in one round trip, not one field per try.
 */
export class ValidationError extends AppError {
  readonly field: string;
  readonly expected: string;
  readonly got: unknown;
  readonly problems: readonly FieldProblem[];
  constructor(field: string, expected: string, got?: unknown, others: readonly FieldProblem[] = []) {
    const problems: FieldProblem[] = [{ field, expected, got }, ...others];
    super('VALIDATION', problems.map(problemText).join('; '));
    this.field = field;
    this.expected = expected;
    this.got = got;
    this.problems = problems;
  }

  /** One error for several problems (at least one), in the order given; `UnprocessableError.of` makes a 422 one. */
  static of<T extends ValidationError>(this: new (field: string, expected: string, got?: unknown, others?: readonly FieldProblem[]) => T, problems: readonly FieldProblem[]): T {
    const [first, ...others] = problems;
    if (!first) throw new TypeError('ValidationError.of needs at least one problem');
    return new this(first.field, first.expected, first.got, others);
  }
}

/** `field: expected X, got Y` (no `got` when the value is absent). */
export function problemText(p: FieldProblem): string {
  return `${p.field}: expected ${p.expected}${p.got === undefined ? '' : `, got ${describe(p.got)}`}`;
}

/**
 * Input that has the documented shape but that the current data or model
 * cannot answer (a week off the series' 7-day grid, a horizon beyond the
 * served model's): the same body as a ValidationError, answered 422 by HTTP.
 */
export class UnprocessableError extends ValidationError {}

/** A thing that was asked for does not exist (unknown series, model version...). */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

/**
 * The state moved on under a command (optimistic concurrency): the command
 * named what it expected to replace, the log holds something else. Retrying
 * the same command fails the same way; the caller must look again.
 */
export class ConflictError extends AppError {
  /** What the command expected and what the state actually holds (e.g. champion versions; null = none). */
  readonly expected: number | null;
  readonly actual: number | null;
  constructor(message: string, expected: number | null, actual: number | null) {
    super('CONFLICT', message);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A dependency (broker, registry, database, child process) failed; usually worth a retry. */
export class DependencyError extends AppError {
  constructor(
    /** which dependency failed (kafka, clickhouse, registry...): all an HTTP client is told */
    readonly dependency: string,
    message: string,
    cause?: unknown,
    retriable = true,
  ) {
    super('DEPENDENCY', `${dependency}: ${message}`, { cause, retriable });
  }
}

/** Wrong configuration: the process cannot start. */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

/** Short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The message of anything thrown, with no stack. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Whether retrying may help: AppErrors and kafkajs errors say so. Anything
 * else is a bug, not an outage: retrying it forever would hide it, so it is
 * not retriable (the process stops with its stack and is restarted).
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof AppError) return err.retriable;
  const anyErr = err as { retriable?: unknown } | null;
  if (anyErr && typeof anyErr.retriable === 'boolean') return anyErr.retriable;
  return false;
}
