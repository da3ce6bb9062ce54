/**
 * Runs a run search (domain/registry/search/) against the registry and
 * search projections: the versions of one page, in order, and whether more
 * follow. The gateway turns versions into summaries from its own fold.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { ident, rows, strLit } from '../../../../lib/clickhouse/client.js';
import { AppError } from '../../../../lib/errors.js';
import { bind, championSql, compileSearch, type SearchQuery } from '../../search/sql.js';
import { RUN_VALUES_TABLE, TAGS_TABLE } from '../../projection/search-tables.js';
import { PROMOTIONS_TABLE, RUNS_TABLE } from '../../projection/tables.js';

const NEEDED = [RUNS_TABLE, PROMOTIONS_TABLE, RUN_VALUES_TABLE, TAGS_TABLE];

/** One page of versions matching `q` (q.limit of them at most) and whether another page follows. */
export async function searchVersions(ch: ClickHouseClient, database: string, q: SearchQuery): Promise<{ versions: number[]; more: boolean }> {
  const db = ident(database, 'database');
  const present = await rows<{ name: string }>(ch, `SELECT name FROM system.tables WHERE database = ${strLit(db)} AND name IN (${NEEDED.map(strLit).join(', ')})`);
  if (present.length < NEEDED.length) {
    const have = new Set(present.map((r) => r.name));
    throw new AppError('SEARCH_UNAVAILABLE', `run search reads the registry projection, and ${NEEDED.filter((n) => !have.has(n)).join(', ')} is not in ClickHouse yet: start the registry projector (npm start runs it)`, { retriable: true });
  }
  // one more than asked: whether a next page exists, without a count over everything
  const champion = (await rows<{ version: number | string }>(ch, championSql(db)))[0];
  const r = await rows<{ version: number | string }>(ch, bind(compileSearch({ ...q, limit: q.limit + 1 }, db, champion === undefined ? null : Number(champion.version))));
  const versions = r.map((x) => Number(x.version));
  return { versions: versions.slice(0, q.limit), more: versions.length > q.limit };
}
