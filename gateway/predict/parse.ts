import { EXOGENOUS_FIELDS } from '../../schemas/types.js';
import { MAX_HORIZON } from '../../domain/features/spec.js';
import type { PredictItem } from '../api/schemas.js';
import { dayOfName } from './week-names.js';

const ISO_DATE = /^(?:19\d\d|20\d\d|21\d\d|2200)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/;
const EXO = new Set<string>(EXOGENOUS_FIELDS);
const isId = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 65535;

/**
 * The predict hot path's check of one item: true when `raw` is valid for the
 * PredictItem schema (gateway/api/schemas.ts), in a few comparisons instead
 * of a zod parse. It accepts only what the schema accepts; anything it does
 * not accept goes to the zod parse, which names the field and what was
 * expected, so errors stay exactly as documented. The unit test checks both
 * agree on valid and invalid items.
 */
export function isPlainItem(raw: unknown): raw is PredictItem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return false;
  const o = raw as Record<string, unknown>;
  let n = 0;
  for (const k in o) {
    n++;
    if (k === 'store' || k === 'dept' || k === 'week') continue;
    const v = o[k];
    if (k === 'horizon') {
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_HORIZON)) return false;
    } else if (!EXO.has(k) || !(v === null || (typeof v === 'number' && Number.isFinite(v)))) return false;
  }
  if (n < 3 || !isId(o.store) || !isId(o.dept)) return false;
  const w = o.week;
  return typeof w === 'string' && ISO_DATE.test(w) && dayOfName(w) !== null;
}
