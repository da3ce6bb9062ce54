import type { Context, Next } from 'koa';
import { AppError, ConflictError, DependencyError, NotFoundError, UnprocessableError, ValidationError, describe, messageOf } from '../../lib/errors.js';
import { redactText } from '../../lib/redact.js';
import type { Logger } from '../../lib/log.js';

/** HTTP-aware errors the gateway raises itself (auth, body size, media type, no model yet). */
export class HttpError extends AppError {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, opts: { headers?: Record<string, string>; retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, { retriable: opts.retriable, cause: opts.cause });
    this.status = status;
    this.headers = opts.headers ?? {};
  }
}

/** Domain refusals that depend on the current state, not on the request's shape (e.g. nothing to roll back to). */
const CONFLICTS = new Set(['NO_CHAMPION', 'NO_PREVIOUS']);

/** The JSON body of every error response. */
export interface ErrorBody {
  /** A Conflict (409 CONFLICT) also says what the command expected and what the state actually holds (champion versions, null = none). */
  error: {
    code: string;
    message: string;
    field?: string;
    expected?: string;
    /** On 400 and 422: every problem found, the first one also as `field` and `expected`. */
    details?: ProblemDetail[];
    conflict?: { expected: number | null; actual: number | null };
  };
}

/** One problem of a refused request; `got` is a short rendering of the value found ("nothing" when absent), never the whole value. */
export interface ProblemDetail {
  field: string;
  expected: string;
  got: string;
}

/** Status code and safe body for anything thrown by a handler; unknown errors never leak their message or stack. */
export function toResponse(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, body: { error: { code: err.code, message: err.message } }, headers: err.headers };
  if (err instanceof ValidationError) {
    const status = err instanceof UnprocessableError ? 422 : 400;
    const details = err.problems.map((p) => ({ field: p.field, expected: p.expected, got: describe(p.got) }));
    return { status, body: { error: { code: err.code, message: err.message, field: err.field, expected: err.expected, details } }, headers: {} };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: { code: err.code, message: err.message } }, headers: {} };
  if (err instanceof ConflictError) {
    return { status: 409, body: { error: { code: err.code, message: err.message, conflict: { expected: err.expected, actual: err.actual } } }, headers: {} };
  }
  if (err instanceof AppError && CONFLICTS.has(err.code)) return { status: 409, body: { error: { code: err.code, message: err.message } }, headers: {} };
  if (err instanceof DependencyError) {
    // a failing dependency is the server's problem, but a retriable one: say which, never its error text (the log has it)
    const body = { error: { code: err.code, message: `${err.dependency} is unavailable; retry later (details in the gateway log)` } };
    return { status: 503, body, headers: err.retriable ? { 'retry-after': '1' } : {} };
  }
  if (err instanceof AppError) {
    const status = err.code === 'DEPENDENCY' ? 503 : 500;
    return { status, body: { error: { code: err.code, message: redactText(err.message) } }, headers: err.retriable ? { 'retry-after': '1' } : {} };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error (logged on the gateway)' } }, headers: {} };
}

/**
 * Outermost middleware: turns thrown errors into JSON responses and hands
 * server-side failures (5xx) to the one `app.on('error')` listener.
 */
export function errorMiddleware() {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'NOT_FOUND', message: `no route for ${ctx.method} ${ctx.path}` } } satisfies ErrorBody;
      }
    } catch (err) {
      const r = toResponse(err);
      ctx.status = r.status;
      ctx.set(r.headers);
      ctx.body = r.body;
      // deliberate answers (503 before a model, while replaying) are states, not failures: no log line per request
      if (r.status >= 500 && !(err instanceof HttpError)) ctx.app.emit('error', err, ctx);
    }
  };
}

/** The single error listener: one log line per server-side failure, with route, no stack for known errors. */
export function logAppErrors(log: Logger) {
  return (err: unknown, ctx?: Context): void => {
    const where = ctx ? `${ctx.method} ${ctx.path}` : 'server';
    if (err instanceof AppError) log.warn(`${where}: ${err.message}`, { code: err.code });
    else log.error(`${where}: ${messageOf(err)}`, { stack: err instanceof Error ? err.stack?.split('\n').slice(1, 4).join(' | ') : undefined });
  };
}
