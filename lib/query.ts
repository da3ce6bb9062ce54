import { z } from 'zod';

/** A query-string integer in [min, max]: the string is coerced, then checked as a whole number. */
export const QueryInt = (min: number, max: number) => z.coerce.number<string>().pipe(z.int().min(min).max(max));
