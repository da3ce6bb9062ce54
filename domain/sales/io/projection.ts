/**
 * The sales projection: `sales.weekly` into the `sales_weekly` table. Every
 * event is decoded with the sales contract and checked against its series'
 * 7-day grid; the grids are seeded from the rows the table already holds, so
 * a materializer resuming mid-log refuses exactly what a fresh one would.
 */
import { ident, rows } from '../../../lib/clickhouse/client.js';
import type { ProjectionSpec } from '../../../lib/projection/projector.js';
import { route } from '../../../lib/projection/routed-sink.js';
import { SALES_WEEK } from '../../contracts.js';
import { SeriesGrid } from '../grid.js';
import { SALES_COLUMNS, SALES_TABLE, salesRow } from '../table.js';
import { createSalesTable } from './table.js';

export const SALES_PROJECTION: ProjectionSpec = {
  name: 'sales',
  topics: (t) => [t.sales],
  async routes({ topics, ch, database }) {
    const grid = new SeriesGrid();
    const held = await rows<{ store: number; dept: number; w: string }>(
      ch,
      `SELECT store, dept, toString(min(week)) AS w FROM ${ident(database, 'database')}.${SALES_TABLE} GROUP BY store, dept`,
    );
    for (const r of held) grid.seed(Number(r.store), Number(r.dept), r.w);
    // RowBinary from the one column descriptor: the backfill's insert cost is mostly JSON otherwise
    return [route(topics.sales, SALES_TABLE, SALES_WEEK, (e, at) => salesRow(grid.check(e), at.partition, Number(at.offset)), SALES_COLUMNS)];
  },
  createTables: createSalesTable,
  checksumTables: [{ table: SALES_TABLE }], // every column (consumers/replay/checksum.ts)
};
