/**
 * The backtest's public surface, for the CLI, the gateway and the stack:
 * run one, list past ones (from the projection), find their reports, and
 * and the files a backtest writes.
 */
export { runBacktest, MIN_HISTORY_WEEKS, type BacktestProgress, type RunHooks } from './run.js';
export { parseRequest, DEFAULT_CUTOFFS, DEFAULT_REFIT_EVERY, type BacktestRequest, type RawRequest } from '../../domain/backtest/request.js';
export type { BacktestResult } from './result.js';
export { listBacktests, readBacktest, backtestDir, type BacktestListing, type BacktestDetail } from '../../domain/backtest/io/projection/read.js';
export { FILES as BACKTEST_FILES } from './outputs.js';
export { BACKTEST_ID } from '../../domain/backtest/events.js';
export { METHODS, type Method } from '../../domain/backtest/points.js';
