import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows } from '../../../../lib/clickhouse/client.js';
import { PromotionOutcomes } from '../../projection/promotion-outcomes.js';
import type { PromotionRow } from '../../projection/rows.js';
import { PROMOTIONS_TABLE } from '../../projection/tables.js';

/** The promotion outcomes of the rows already in the promotions table, folded in log order. */
export async function loadPromotionOutcomes(ch: ClickHouseClient, database: string): Promise<PromotionOutcomes> {
  const db = ident(database, 'database');
  return PromotionOutcomes.fromRows(await rows<PromotionRow>(ch, `SELECT * FROM ${db}.${PROMOTIONS_TABLE} FINAL ORDER BY kafka_partition, kafka_offset`));
}
