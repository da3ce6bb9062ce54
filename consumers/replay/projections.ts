/**
 * Every projection replay can rebuild: the same declarations the live
 * projectors run (lib/projection/projector.ts), so a rebuilt table is written by exactly
 * the code that wrote the live one.
 */
import { UsageError } from '../../lib/process/cli.js';
import type { ProjectionSpec } from '../../lib/projection/projector.js';
import { BACKTEST_PROJECTION } from '../../domain/backtest/io/projection/spec.js';
import { FORECAST_PROJECTION } from '../../domain/forecasts/io/projection.js';
import { REGISTRY_PROJECTION } from '../../domain/registry/io/projection/spec.js';
import { SEARCH_PROJECTION } from '../../domain/registry/io/projection/search-spec.js';
import { SALES_PROJECTION } from '../../domain/sales/io/projection.js';

export type { ChecksumTable } from '../../lib/projection/projector.js';

/** Every projection of the system, in the order replay rebuilds them (replay names: sales, registry, search, backtests, forecasts). */
export const PROJECTIONS: { name: string; spec: ProjectionSpec }[] = [
  { name: 'sales', spec: SALES_PROJECTION },
  { name: 'registry', spec: REGISTRY_PROJECTION },
  { name: 'search', spec: SEARCH_PROJECTION },
  { name: 'backtests', spec: BACKTEST_PROJECTION },
  { name: 'forecasts', spec: FORECAST_PROJECTION },
];

export type Projection = (typeof PROJECTIONS)[number];

/** Looks projections up by name; throws naming the unknown one and the known ones. */
export function selectProjections(names: string[] | null): Projection[] {
  if (!names || names.length === 0) return PROJECTIONS;
  return names.map((n) => {
    const p = PROJECTIONS.find((x) => x.name === n);
    if (!p) throw new UsageError('--only', `unknown projection "${n}", expected one of ${PROJECTIONS.map((x) => x.name).join(', ')}`);
    return p;
  });
}
