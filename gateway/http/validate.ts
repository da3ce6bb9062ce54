import type { z } from 'zod';
import { ValidationError, type FieldProblem } from '../../lib/errors.js';

/** A parse that either succeeded or found every problem of the input. */
export type Checked<T> = { ok: true; data: T } | { ok: false; problems: FieldProblem[] };

/**
 * Checks `input` against a zod schema and lists every issue as a problem
 * naming the field by its path (`items.3.week`), what was expected and the
 * value found. `root` names the input when an issue is about the whole of it.
 */
export function checkWith<S extends z.ZodType>(schema: S, input: unknown, root: string): Checked<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  const problems: FieldProblem[] = [];
  for (const issue of r.error.issues) {
    // an unknown field is named itself (a typo like "stor" points at "stor"), one problem per unknown key
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of paths) {
      const field = path.length > 0 ? path.map(String).join('.') : root;
      const got = valueAt(input, path);
      problems.push({ field, expected: issue.code === 'unrecognized_keys' ? 'no such field (the documented fields only)' : expectation(issue, got), got });
    }
  }
  return { ok: false, problems };
}

/** Parses `input` with a zod schema, or throws one ValidationError listing every problem (see checkWith). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const r = checkWith(schema, input, root);
  if (r.ok) return r.data;
  throw ValidationError.of(r.problems);
}

/** Human wording of what a zod issue expected. */
function expectation(issue: z.core.$ZodIssue, got: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return got === undefined ? `${article(issue.expected)} (required)` : article(issue.expected);
    case 'too_small':
      return issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : `a value >= ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} item(s)` : `a value <= ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return issue.message && !/^Invalid/.test(issue.message) ? issue.message : 'one of the documented shapes';
    default:
      return issue.message;
  }
}

function article(t: string): string {
  if (t === 'int') return 'an integer';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}
