import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { assertBearer } from '../http/auth.js';
import { ValidationError, type FieldProblem } from '../../lib/errors.js';
import { readJson } from '../http/body.js';
import { enforceRate, type RateLimiter } from '../http/rate-limit.js';
import { checkWith, type Checked } from '../http/validate.js';

/** Who may call a route: anyone, readers (token only when reads are closed), or writers (token always). */
export type Access = 'public' | 'read' | 'write';

/** A route as data: the router mounts it and the OpenAPI document describes it, from the same schemas. */
export interface RouteSpec<Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post';
  /** Koa-style path, `:name` for parameters. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  query?: Q;
  params?: P;
  body?: B;
  /** Custom body parsing (e.g. one item or a batch); defaults to `body` parsed as a whole. */
  parseBody?: (raw: unknown) => unknown;
  /** Status of a success (default 200), its schema and media type(s) (default application/json; the handler sets any other, e.g. by Accept). */
  ok: { status?: number; schema: z.ZodType; description: string; contentType?: string | string[] };
  /** Error statuses this route can answer, with why. */
  errors?: Record<number, string>;
  /** Subject to the per-client rate limit when one is configured (429 with Retry-After). */
  rateLimited?: boolean;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Route<Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  spec: RouteSpec<Q, P, B>;
  handle(input: { query: Out<Q>; params: Out<P>; body: Out<B> }, ctx: Context): unknown;
}

/** Declares a route: its spec and a handler that receives already-validated input. */
export function route<Q extends z.ZodType, P extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<Q, P, B>,
  handle: Route<Q, P, B>['handle'],
): Route {
  return { spec, handle } as unknown as Route;
}

export interface MountOptions {
  token: string;
  openReads: boolean;
  bodyLimit: number;
  /** The per-client limit of `rateLimited` routes, or null when off. */
  rateLimit?: RateLimiter | null;
}

/** Mounts routes on a router: access check, body read with a limit, validation, handler, JSON reply. */
export function mount(router: Router, routes: readonly Route[], opts: MountOptions): void {
  for (const r of routes) {
    const { spec } = r;
    router[spec.method](spec.path, async (ctx: Context) => {
      // first: a client over its limit costs no auth check, body read or validation
      if (spec.rateLimited && opts.rateLimit) enforceRate(opts.rateLimit, ctx);
      if (spec.access === 'write' || (spec.access === 'read' && !opts.openReads)) assertBearer(ctx, opts.token);
      // every problem of query, path and body is answered at once (one 400 listing them all)
      const problems: FieldProblem[] = [];
      const take = <T>(c: Checked<T>): T | undefined => (c.ok ? c.data : (problems.push(...c.problems), undefined));
      const query = spec.query ? take(checkWith(spec.query, ctx.query, 'query')) : undefined;
      const params = spec.params ? take(checkWith(spec.params, ctx.params, 'path')) : undefined;
      const body = spec.body || spec.parseBody ? await bodyOf(ctx, spec, opts.bodyLimit, problems) : undefined;
      if (problems.length > 0) throw ValidationError.of(problems);
      const result = await r.handle({ query, params, body } as never, ctx);
      // a handler may pick another status for the same body (readiness answers 503 with its checks)
      ctx.status = typeof ctx.state.status === 'number' ? (ctx.state.status as number) : (spec.ok.status ?? 200);
      ctx.body = result;
    });
  }
}

/** The request body as the route parses it, or undefined with what is wrong added to `problems`; too large or not JSON throws (413, 415). */
async function bodyOf(ctx: Context, spec: RouteSpec, limit: number, problems: FieldProblem[]): Promise<unknown> {
  const collect = (err: unknown): undefined => {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems);
    return undefined;
  };
  let raw: unknown;
  try {
    raw = await readJson(ctx, limit);
  } catch (err) {
    return collect(err); // malformed JSON
  }
  // the document declares every body required: a missing one is refused, not read as the defaults
  if (raw === undefined) return collect(new ValidationError('body', 'a JSON body (required; {} takes every default)'));
  if (spec.parseBody) {
    try {
      return spec.parseBody(raw);
    } catch (err) {
      return collect(err);
    }
  }
  const c = checkWith(spec.body!, raw, 'body');
  return c.ok ? c.data : collect(ValidationError.of(c.problems));
}
