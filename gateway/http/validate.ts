import type { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';

/**
 * Parses `input` with a zod schema; the first issue becomes a ValidationError
 * naming the field by its path (`items.3.week`) and what was expected.
 * `root` names the input when the issue is about the whole of it.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  // an unknown field is named itself (a typo like "stor" points at "stor")
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.length > 0 ? path.map(String).join('.') : root;
  const got = valueAt(input, issue.path);
  throw new ValidationError(field, expectation(issue, got), got);
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
    case 'unrecognized_keys':
      return `no such field (unknown: ${issue.keys.join(', ')})`;
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
