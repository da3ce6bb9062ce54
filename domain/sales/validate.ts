import { EXOGENOUS_FIELDS, salesEventId, type SalesWeek } from '../../schemas/types.js';
import { ValidationError } from '../../lib/errors.js';
import { isIsoDate } from '../../lib/weeks.js';

const MAX_SERIES_ID = 65535;

/**
 * Checks a decoded sales event beyond what Avro types can say: ids in range,
 * a real calendar date, finite numbers. Negative sales are legitimate
 * (returns can exceed sales) and pass unchanged. Throws ValidationError
 * naming the field.
 */
export function validateSalesWeek(v: SalesWeek): SalesWeek {
  for (const f of ['store', 'dept'] as const) {
    if (!Number.isInteger(v[f]) || v[f] < 1 || v[f] > MAX_SERIES_ID) throw new ValidationError(f, `an integer from 1 to ${MAX_SERIES_ID}`, v[f]);
  }
  if (!isIsoDate(v.week)) throw new ValidationError('week', 'a real calendar date YYYY-MM-DD', v.week);
  if (!Number.isFinite(v.weeklySales)) throw new ValidationError('weeklySales', 'a finite number', v.weeklySales);
  for (const f of EXOGENOUS_FIELDS) {
    const x = v[f];
    if (x !== null && !Number.isFinite(x)) throw new ValidationError(f, 'a finite number or null', x);
  }
  if (v.storeSize !== null && (!Number.isInteger(v.storeSize) || v.storeSize < 0)) {
    throw new ValidationError('storeSize', 'a non-negative integer or null', v.storeSize);
  }
  const id = salesEventId(v.store, v.dept, v.week);
  if (v.eventId !== id) throw new ValidationError('eventId', `"${id}" (store-dept-week)`, v.eventId);
  return v;
}
