/** The backtest projection: backtest requests and outcomes into their tables (see tables.ts). */
import type { ProjectionSpec } from '../../../../lib/projection/projector.js';
import { route } from '../../../../lib/projection/routed-sink.js';
import { BACKTEST_FINISHED, BACKTEST_REQUESTED } from '../../../contracts.js';
import { requestRow, resultRow } from '../../projection/rows.js';
import { BACKTEST_CHECKSUM_TABLES, BACKTEST_REQUESTS_TABLE, BACKTEST_RESULTS_TABLE } from '../../projection/tables.js';
import { createBacktestTables } from './tables.js';

export const BACKTEST_PROJECTION: ProjectionSpec = {
  name: 'backtest',
  topics: (t) => [t.backtestRequests, t.backtestResults],
  routes: ({ topics }) => [
    route(topics.backtestRequests, BACKTEST_REQUESTS_TABLE, BACKTEST_REQUESTED, requestRow),
    route(topics.backtestResults, BACKTEST_RESULTS_TABLE, BACKTEST_FINISHED, resultRow),
  ],
  createTables: createBacktestTables,
  checksumTables: BACKTEST_CHECKSUM_TABLES,
};
