/**
 * The replay checksum sees every row and every column of every projection
 * table: one row with only column c set differs from the all-defaults row
 * (NULL -> value for a Nullable c), and one NULL in an otherwise filled row
 * differs from the filled row (value -> NULL). The old sum of
 * cityHash64(concat(...)) gave an all-NULL-containing row the hash of an
 * empty table and ignored columns not listed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, exec, ident, rows, strLit } from '../../lib/clickhouse/client.js';
import { isolatedConfig } from '../../lib/testing.js';
import { tableChecksum } from './checksum.js';
import { PROJECTIONS } from './projections.js';

const EMPTY = '0000000000000000';

/** A VALUES literal of `type`: its default (NULL for Nullable) or, with `set`, a value that differs from the default. */
function literal(type: string, set: boolean): string {
  const nullable = /^Nullable\((.+)\)$/.exec(type);
  if (nullable && !set) return 'NULL';
  const inner = nullable?.[1] ?? type;
  if (/^U?Int\d+$/.test(inner)) return set ? '7' : '0';
  if (/^Float\d+$/.test(inner)) return set ? '1.5' : '0';
  if (inner === 'String') return set ? "'x'" : "''";
  if (inner === 'Date') return set ? "'2020-01-06'" : "'1970-01-01'";
  if (inner === 'Array(String)') return set ? "['x']" : '[]';
  throw new Error(`no test literal for column type ${type}`);
}

describe('tableChecksum sees every row and column of every projection table, NULL included', () => {
  const { cfg, cleanup } = isolatedConfig('checksum');
  const ch = createClickhouse(cfg);
  const db = cfg.clickhouse.database;
  before(async () => {
    for (const p of PROJECTIONS) await p.spec.createTables(ch, db);
  });
  after(async () => {
    await cleanup();
    await ch.close();
  });

  for (const p of PROJECTIONS) {
    for (const t of p.spec.checksumTables) {
      it(`${p.name}: ${t.table}`, { timeout: 120_000 }, async () => {
        const table = `${ident(db, 'database')}.${ident(t.table, 'table')}`;
        const cols = await rows<{ name: string; type: string }>(
          ch,
          `SELECT name, type FROM system.columns WHERE database = ${strLit(db)} AND table = ${strLit(t.table)} ORDER BY name`,
        );
        assert.ok(cols.length > 0, 'the table exists');
        /** The checksum of the table holding exactly one row, column by column from `value(name, type)`. */
        const hashOf = async (value: (name: string, type: string) => string): Promise<string> => {
          await exec(ch, `TRUNCATE TABLE ${table}`);
          await exec(ch, `INSERT INTO ${table} (${cols.map((c) => c.name).join(', ')}) VALUES (${cols.map((c) => value(c.name, c.type)).join(', ')})`);
          const sum = await tableChecksum(ch, db, t);
          assert.equal(sum.rows, 1);
          return sum.hash;
        };
        const defaults = await hashOf((_n, type) => literal(type, false));
        assert.notEqual(defaults, EMPTY, 'a row of defaults (NULLs included) is not invisible');
        const filled = await hashOf((_n, type) => literal(type, true));
        const changed: string[] = [];
        for (const c of cols) {
          // NULL -> value for a Nullable column, default -> value for the others: every column counts
          const one = await hashOf((n, type) => literal(type, n === c.name));
          assert.notEqual(one, defaults, `setting ${c.name} (${c.type}) changes the hash`);
          if (c.type.startsWith('Nullable(')) {
            const unset = await hashOf((n, type) => literal(type, n !== c.name));
            assert.notEqual(unset, filled, `value -> NULL in ${c.name} changes the hash`);
            assert.notEqual(unset, EMPTY, `a row with ${c.name} NULL is not invisible`);
            changed.push(c.name);
          }
        }
        if (t.table === 'sales_weekly') assert.ok(changed.length >= 9, `the sales table's Nullable exogenous columns were exercised: ${changed.join(', ')}`);
      });
    }
  }
});
