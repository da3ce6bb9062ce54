/** The files a backtest writes into its folder (served by the gateway, written by the backtest command). */
export const BACKTEST_FILES = { result: 'result.json', metricsCsv: 'metrics.csv', pointsCsv: 'points.csv', report: 'report.html' } as const;
