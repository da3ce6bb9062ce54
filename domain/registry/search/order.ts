/**
 * `order_by` of a run search: one to three fields, each `metrics.<key>`,
 * `params.<key>`, `tags.<key>` or `attributes.<name>` (a bare attribute name
 * too), optionally followed by ASC or DESC (default ASC, as MLflow). Runs
 * without the value sort last either way; ties are broken by version, newest
 * first, so every page is deterministic.
 */
import { ValidationError } from '../../../lib/errors.js';
import { ATTRIBUTES, type Scope } from './filter.js';

export interface OrderKey {
  scope: Scope;
  key: string;
  desc: boolean;
}

export const MAX_ORDER_KEYS = 3;
const KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const SCOPES: Record<string, Scope> = { metrics: 'metrics', params: 'params', tags: 'tags', attributes: 'attributes' };

/** Parses `order_by` ('' or blank: none); throws ValidationError on `field` (default `order_by`). */
export function parseOrder(text: string, field = 'order_by'): OrderKey[] {
  if (text.trim() === '') return [];
  const parts = text.split(',');
  if (parts.length > MAX_ORDER_KEYS) throw new ValidationError(field, `at most ${MAX_ORDER_KEYS} fields, separated by commas`, text);
  return parts.map((p) => {
    const words = p.trim().split(/\s+/);
    const [name = '', dir, ...rest] = words;
    const d = dir?.toUpperCase();
    if (rest.length > 0 || (d !== undefined && d !== 'ASC' && d !== 'DESC')) throw new ValidationError(field, 'a field optionally followed by ASC or DESC, e.g. metrics.wape DESC', p.trim());
    const dot = name.indexOf('.');
    const scope = dot > 0 ? SCOPES[name.slice(0, dot).toLowerCase()] : 'attributes';
    const key = dot > 0 ? name.slice(dot + 1) : name;
    if (!scope || !KEY.test(key)) throw new ValidationError(field, 'metrics.<key>, params.<key>, tags.<key> or attributes.<name>', name);
    if (scope === 'attributes' && !(key in ATTRIBUTES)) throw new ValidationError(field, `an attribute (${Object.keys(ATTRIBUTES).join(', ')})`, name);
    return { scope, key, desc: d === 'DESC' };
  });
}
