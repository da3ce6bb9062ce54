import type { Logger } from '../lib/log.js';
import type { SalesWeek } from '../schemas/types.js';
import { formatIssue, readSalesCsv } from './csv.js';
import { progressBar } from '../lib/process/progress.js';
import type { SalesProducer } from '../domain/sales/io/producer.js';

export interface ImportResult {
  sent: number;
  errors: number;
  /** every rejected row as `file:line: field: expected ..., got ...` */
  issues: string[];
}

/**
 * Imports a weekly-sales CSV (and optional features and stores files) into
 * the sales topic. Malformed rows are reported with file, line and reason;
 * the good rows still flow, sent in chunks as the file streams.
 */
export async function importCsv(
  producer: SalesProducer,
  files: { train: string; features?: string; stores?: string },
  log: Logger,
  chunk = 20_000,
): Promise<ImportResult> {
  const result: ImportResult = { sent: 0, errors: 0, issues: [] };
  const bar = progressBar('import', 'rows');
  let batch: SalesWeek[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    result.sent += await producer.send(batch);
    batch = [];
    bar.update(result.sent, null);
  };
  for await (const item of readSalesCsv(files.train, { featuresPath: files.features, storesPath: files.stores })) {
    if ('error' in item) {
      result.errors += 1;
      const line = formatIssue(item.error);
      result.issues.push(line);
      log.warn(`rejected ${line}`);
      continue;
    }
    batch.push(item.ok);
    if (batch.length >= chunk) await flush();
  }
  await flush();
  bar.done();
  return result;
}
