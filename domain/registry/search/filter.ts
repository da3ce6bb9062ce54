/**
 * The run-search filter grammar (MLflow's `search_runs` subset):
 *
 *   filter     := comparison ( AND comparison )*
 *   comparison := field op value
 *   field      := (metrics | params | tags | attributes) "." key
 *   op         := = | != | < | <= | > | >=
 *   value      := number | 'text' | "text"      (\' \" \\ escape inside quotes)
 *
 * `AND` in any case; no OR, no parentheses, nothing else. The parser only
 * builds a typed tree: it never produces SQL, and anything outside the
 * grammar (a `;`, an `OR`, a stray quote) is refused with a ValidationError
 * naming the query parameter, the position and what was expected there.
 */
import { ValidationError } from '../../../lib/errors.js';

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type Scope = 'metrics' | 'params' | 'tags' | 'attributes';
export type Value = { type: 'number'; value: number } | { type: 'string'; value: string };

/** One comparison: `metrics.wape < 0.12` is { scope: metrics, key: wape, op: <, value: 0.12 }. */
export interface Comparison {
  scope: Scope;
  key: string;
  op: Op;
  value: Value;
}

/** Attributes of a run one may filter and sort on, with their type (the projection's columns). */
export const ATTRIBUTES = {
  version: 'number',
  run_id: 'string',
  trigger: 'string',
  decision: 'string',
  stage: 'string',
  horizon: 'number',
  data_max_week: 'string',
  data_rows: 'number',
  data_series: 'number',
  trained_at: 'number',
  duration_ms: 'number',
  feature_version: 'string',
} as const satisfies Record<string, Value['type']>;
export type Attribute = keyof typeof ATTRIBUTES;

/** Longest filter accepted (characters) and most comparisons in one. */
export const MAX_FILTER_LENGTH = 1000;
export const MAX_COMPARISONS = 20;
/** A key: the tag-key alphabet (domain/registry/annotations.ts TAG_KEY), dots allowed (metrics.seasonalNaive.wape). */
const KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const SCOPES: Record<string, Scope> = { metrics: 'metrics', metric: 'metrics', params: 'params', param: 'params', tags: 'tags', tag: 'tags', attributes: 'attributes', attribute: 'attributes', attr: 'attributes' };
const OPS: readonly Op[] = ['<=', '>=', '!=', '=', '<', '>'];

type Token = { kind: 'word' | 'op' | 'number' | 'string'; text: string; at: number; value?: number | string };

/** Parses a filter ('' or blank: no comparison); throws ValidationError on `field` (default `filter`). */
export function parseFilter(text: string, field = 'filter'): Comparison[] {
  if (text.length > MAX_FILTER_LENGTH) throw new ValidationError(field, `at most ${MAX_FILTER_LENGTH} characters`, `${text.length} characters`);
  const tokens = tokenize(text, field);
  const out: Comparison[] = [];
  let i = 0;
  const at = (t: Token | undefined) => (t ? `at character ${t.at + 1}` : 'at the end');
  const fail = (expected: string, t: Token | undefined): never => {
    throw new ValidationError(field, `${expected} ${at(t)} (grammar: metrics.<key> < 0.12 AND tags.<key> = 'text'; docs/api.md)`, t ? t.text : 'the end of the filter');
  };
  while (i < tokens.length) {
    if (out.length > 0) {
      const and = tokens[i];
      if (and?.kind !== 'word' || and.text.toUpperCase() !== 'AND') fail('AND between comparisons', and);
      i++;
    }
    const name = tokens[i++];
    if (name?.kind !== 'word') fail('a field: metrics.<key>, params.<key>, tags.<key> or attributes.<name>', name);
    const { scope, key } = fieldOf(name!, fail);
    const op = tokens[i++];
    if (op?.kind !== 'op') fail(`a comparison (=, !=, <, <=, >, >=) after ${name!.text}`, op);
    const v = tokens[i++];
    if (v?.kind !== 'number' && v?.kind !== 'string') fail(`a number or a quoted text after ${name!.text} ${op!.text}`, v);
    const value: Value = v!.kind === 'number' ? { type: 'number', value: v!.value as number } : { type: 'string', value: v!.value as string };
    checkType(scope, key, value, v!, field);
    out.push({ scope, key, op: op!.text as Op, value });
    if (out.length > MAX_COMPARISONS) throw new ValidationError(field, `at most ${MAX_COMPARISONS} comparisons`, `${out.length} or more`);
  }
  return out;
}

/** `metrics.wape` -> scope and key; an unknown scope or attribute, or a key outside the alphabet, is refused. */
function fieldOf(t: Token, fail: (expected: string, t: Token) => never): { scope: Scope; key: string } {
  const dot = t.text.indexOf('.');
  const scope = dot > 0 ? SCOPES[t.text.slice(0, dot).toLowerCase()] : undefined;
  if (!scope) return fail('a field: metrics.<key>, params.<key>, tags.<key> or attributes.<name>', t);
  const key = t.text.slice(dot + 1);
  if (!KEY.test(key)) return fail('a key of 1..64 letters, digits or _ . : -', t);
  if (scope === 'attributes' && !(key in ATTRIBUTES)) return fail(`an attribute (${Object.keys(ATTRIBUTES).join(', ')})`, t);
  return { scope, key };
}

/** Metrics are numbers, attributes have one type each; params and tags take either (a number compares numerically). */
function checkType(scope: Scope, key: string, value: Value, t: Token, field: string): void {
  const want = scope === 'metrics' ? 'number' : scope === 'attributes' ? ATTRIBUTES[key as Attribute] : null;
  if (want && value.type !== want) {
    throw new ValidationError(field, `${want === 'number' ? 'a number' : 'a quoted text'} to compare ${scope}.${key} with, at character ${t.at + 1}`, t.text);
  }
}

function tokenize(s: string, field: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new ValidationError(field, `a closing ${c} for the text opened at character ${start + 1}`, s.slice(start, start + 40));
        const d = s[i]!;
        if (d === '\\' && i + 1 < s.length) {
          value += s[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      out.push({ kind: 'string', text: s.slice(start, i), at: start, value });
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, at: start });
      i += op.length;
      continue;
    }
    const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(s.slice(i));
    if (num && (c === '-' || c === '.' || /\d/.test(c))) {
      const v = Number(num[0]);
      // a number glued to letters (1abc) is not a number; a value beyond a double is refused here
      if (/[A-Za-z_]/.test(s[i + num[0].length] ?? '') || !Number.isFinite(v)) throw new ValidationError(field, `a finite number at character ${start + 1}`, s.slice(start, start + 40).split(/\s/)[0]);
      out.push({ kind: 'number', text: num[0], at: start, value: v });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.:-]*/.exec(s.slice(i));
    if (word) {
      out.push({ kind: 'word', text: word[0], at: start });
      i += word[0].length;
      continue;
    }
    throw new ValidationError(field, `a field, a comparison, a number, a quoted text or AND at character ${start + 1}`, c);
  }
  return out;
}
