import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro.js';
import type { Config } from '../../lib/config.js';
import type { BatchSink } from '../../lib/runner.js';
import { createSalesTable, SALES_TABLE } from '../../domain/sales/table.js';
import { salesSink } from '../materializer/sink.js';
import { createRegistryTables, PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../domain/registry/projection/tables.js';
import { registrySink } from '../registry/sink.js';
import { backtestSink } from '../backtest/sink.js';
import { BACKTEST_CHECKSUM_TABLES, createBacktestTables } from '../../domain/backtest/projection/tables.js';

/** A table of a projection and the columns that define its content (everything the log determines). */
export interface ChecksumTable {
  table: string;
  columns: string[];
}

/** A projection that replay can rebuild: which topics feed it, its tables, and its sink. */
export interface Projection {
  name: string;
  topics(cfg: Readonly<Config>): string[];
  createTables(ch: ClickHouseClient, database: string): Promise<void>;
  sink(deps: { cfg: Readonly<Config>; ch: ClickHouseClient; database: string; codec: AvroCodec; deadLetters: Producer; groupId: string }): BatchSink;
  tables: ChecksumTable[];
}

const SALES_COLUMNS = [
  'store', 'dept', 'week', 'weekly_sales', 'is_holiday', 'temperature', 'fuel_price', 'markdown1', 'markdown2', 'markdown3',
  'markdown4', 'markdown5', 'cpi', 'unemployment', 'store_type', 'store_size', 'event_id', 'source', 'produced_at',
  'kafka_partition', 'kafka_offset', 'version',
];

/** Every projection of the system, in the order replay rebuilds them. */
export const PROJECTIONS: Projection[] = [
  {
    name: 'sales',
    topics: (cfg) => [cfg.topics.sales],
    createTables: createSalesTable,
    sink: ({ cfg, ch, database, codec, deadLetters, groupId }) =>
      salesSink({ codec, ch, database, producer: deadLetters, deadLetterTopic: cfg.topics.deadLetter, groupId }),
    tables: [{ table: SALES_TABLE, columns: SALES_COLUMNS }],
  },
  {
    name: 'registry',
    topics: (cfg) => [cfg.topics.trainingRequests, cfg.topics.modelTrained, cfg.topics.modelPromoted],
    createTables: createRegistryTables,
    sink: ({ cfg, ch, database, codec, deadLetters, groupId }) =>
      registrySink({ codec, ch, database, topics: cfg.topics, producer: deadLetters, groupId }),
    tables: [
      { table: REQUESTS_TABLE, columns: ['request_id', 'trigger', 'reason', 'cutoff_week', 'requested_by', 'requested_at', 'params', 'kafka_partition', 'kafka_offset'] },
      { table: RUNS_TABLE, columns: ['version', 'run_id', 'trigger', 'params', 'metrics', 'data_max_week', 'data_rows', 'artifact_sha256', 'decision', 'decision_reason', 'trained_at', 'kafka_partition', 'kafka_offset'] },
      { table: PROMOTIONS_TABLE, columns: ['version', 'run_id', 'previous_version', 'kind', 'reason', 'artifact_sha256', 'promoted_by', 'promoted_at', 'applied', 'kafka_partition', 'kafka_offset'] },
    ],
  },
  {
    name: 'backtests',
    topics: (cfg) => [cfg.topics.backtestRequests, cfg.topics.backtestResults],
    createTables: createBacktestTables,
    sink: ({ cfg, ch, database, codec, deadLetters, groupId }) =>
      backtestSink({ codec, ch, database, topics: cfg.topics, producer: deadLetters, groupId }),
    tables: BACKTEST_CHECKSUM_TABLES,
  },
];

/** Looks projections up by name; throws naming the unknown one and the known ones. */
export function selectProjections(names: string[] | null): Projection[] {
  if (!names || names.length === 0) return PROJECTIONS;
  return names.map((n) => {
    const p = PROJECTIONS.find((x) => x.name === n);
    if (!p) throw new Error(`--only: unknown projection "${n}", expected one of ${PROJECTIONS.map((x) => x.name).join(', ')}`);
    return p;
  });
}
