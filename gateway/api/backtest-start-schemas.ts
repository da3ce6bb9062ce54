/** The body of POST /v1/backtests (the response shape is BacktestStarted in domain/backtest/api.ts). */
import { z } from 'zod';
import { MAX_HORIZON } from '../../domain/features/spec.js';
import { ParamsSchema } from '../../domain/training/request.js';
import { MAX_CUTOFFS } from '../../domain/backtest/request.js';
import { Week } from './schemas.js';

/** POST /v1/backtests: what to evaluate; every field has the CLI's default (npm run backtest). */
export const BacktestStartBody = z.strictObject({
  cutoffs: z.int().min(1).max(MAX_CUTOFFS).optional().describe('the last N evaluable weeks as cut-offs (default 39); not with from/to'),
  from: Week.optional().describe('every evaluable week from this one (with `to`) instead of `cutoffs`'),
  to: Week.optional().describe('the last cut-off of a range (with `from`)'),
  horizon: z.int().min(1).max(MAX_HORIZON).optional().describe('forecast h = 1..horizon weeks after each cut-off (default the trainer horizon)'),
  refitEvery: z.int().min(1).max(MAX_CUTOFFS).optional().describe('refit the model at every k-th cut-off (default 4)'),
  params: ParamsSchema.optional().describe('XGBoost overrides on the trainer defaults'),
  series: z
    .array(z.string().regex(/^[1-9]\d*:[1-9]\d*$/, { error: 'a series store:dept, e.g. 1:1' }))
    .max(20)
    .optional()
    .describe('series charted in the report (default the 3 largest)'),
  reason: z.string().min(1).max(500).optional().describe('why (kept with the request)'),
});

