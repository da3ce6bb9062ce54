/**
 * The backtest projection's routes: backtest requests and results to their
 * tables through the shared routed sink (decode, dead-letter, insert, then
 * the runner commits).
 */
import type { Topics } from '../../lib/config.js';
import type { BacktestFinished, BacktestRequested } from '../../schemas/types.js';
import { routedSink, type Route, type RoutedSinkDeps } from '../../lib/routed-sink.js';
import { requestRow, resultRow } from '../../domain/backtest/projection/rows.js';
import { BACKTEST_REQUESTS_TABLE, BACKTEST_RESULTS_TABLE } from '../../domain/backtest/projection/tables.js';

/** The backtest projection's topics and tables. */
export function backtestRoutes(topics: Readonly<Topics>): Route[] {
  return [
    { topic: topics.backtestRequests, table: BACKTEST_REQUESTS_TABLE, toRow: (v, at) => requestRow(v as BacktestRequested, at) },
    { topic: topics.backtestResults, table: BACKTEST_RESULTS_TABLE, toRow: (v, at) => resultRow(v as BacktestFinished, at) },
  ];
}

/** The backtest projection's sink for lib/runner.ts. */
export function backtestSink(deps: Omit<RoutedSinkDeps, 'routes' | 'deadLetterTopic'> & { topics: Readonly<Topics> }) {
  const { topics, ...rest } = deps;
  return routedSink({ ...rest, routes: backtestRoutes(topics), deadLetterTopic: topics.deadLetter });
}
