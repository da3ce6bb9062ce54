/**
 * Run search against a real ClickHouse: projection rows of four runs (written
 * by the projections' own row functions), then filters, orders and pages
 * whose answers are worked out by hand below, and injection attempts that
 * either are refused by the parser or run as plain values matching nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickhouse, exec, ident, insertRows } from '../../../../lib/clickhouse/client.js';
import { ValidationError } from '../../../../lib/errors.js';
import { isolatedConfig } from '../../../../lib/testing.js';
import type { ModelPromoted, ModelTrained } from '../../../../schemas/types.js';
import { parseFilter } from '../../search/filter.js';
import { parseOrder } from '../../search/order.js';
import { promoted, trained } from '../../test/events.js';
import { promotionRow, runRow } from '../../projection/rows.js';
import { searchVersions } from './search.js';
import { runValueRows, tagRows } from '../../projection/search-rows.js';
import { createSearchTables } from './search-spec.js';
import { RUN_VALUES_TABLE, TAGS_TABLE } from '../../projection/search-tables.js';
import { PROMOTIONS_TABLE, RUNS_TABLE } from '../../projection/tables.js';
import { createRegistryTables } from './tables.js';

const iso = isolatedConfig('run-search');
const db = iso.cfg.clickhouse.database;
let ch: ClickHouseClient;

/** v1..v4 as described in each test; v4 failed (no metrics). */
const runs: ModelTrained[] = [
  [1, 'promoted', 'schedule', { model: { n: 5, wape: 0.1 } }, { eta: 0.3, maxDepth: 6 }],
  [2, 'rejected', 'manual', { model: { n: 5, wape: 0.15 } }, { eta: 0.1 }],
  [3, 'promoted', 'threshold', { model: { n: 5, wape: 0.08 }, seasonalNaive: { n: 5, wape: 0.2 } }, { eta: 0.15, maxDepth: 8 }],
  [4, 'failed', 'manual', {}, {}],
].map(([v, decision, trigger, metrics, params]) => {
  const e = trained(v as number, decision as ModelTrained['decision'], { trigger: trigger as string, metrics: JSON.stringify(metrics), params: JSON.stringify(params) });
  return e.event as ModelTrained;
});

const search = async (filter: string, orderBy = '', limit = 100, offset = 0) =>
  (await searchVersions(ch, db, { filter: parseFilter(filter), order: parseOrder(orderBy), limit, offset })).versions;

describe('run search over the registry projection in ClickHouse', { timeout: 60_000 }, () => {
  before(async () => {
    ch = createClickhouse(iso.cfg);
    await createRegistryTables(ch, db);
    await createSearchTables(ch, db);
    const at = (offset: number) => ({ partition: 0, offset: String(offset) });
    const t = (name: string) => `${ident(db)}.${name}`;
    await insertRows(ch, t(RUNS_TABLE), runs.map((e, i) => runRow(e, at(i))));
    await insertRows(ch, t(RUN_VALUES_TABLE), runs.flatMap((e, i) => runValueRows(e, at(i))));
    // v1 promoted, then v3: v3 is the champion, v1 archived
    const promos = [promoted(1, null), promoted(3, 1)].map((p) => p.event as ModelPromoted);
    await insertRows(ch, t(PROMOTIONS_TABLE), promos.map((p, i) => promotionRow(p, at(i), true)));
    // tags: team=x on v1, v3, v4 (v3's removed later), team=y on v2, note "it's" on v4
    const ann = (version: number, setTags: Record<string, string>, removeTags: string[] = []) => ({ version, setTags, removeTags, description: null, annotatedBy: 't', annotatedAt: 1 });
    const patches = [ann(1, { team: 'x' }), ann(2, { team: 'y' }), ann(3, { team: 'x' }), ann(4, { team: 'x', note: "it's" }), ann(3, {}, ['team'])];
    await insertRows(ch, t(TAGS_TABLE), patches.flatMap((p, i) => tagRows(p, at(i))));
  });
  after(async () => {
    await exec(ch, `DROP DATABASE IF EXISTS ${ident(db)}`);
    await ch.close();
    await iso.cleanup();
  });

  it('metrics: wape < 0.12 is v1 (0.10) and v3 (0.08), newest first by default', async () => {
    assert.deepEqual(await search('metrics.wape < 0.12'), [3, 1]);
    assert.deepEqual(await search('metrics.seasonalNaive.wape >= 0.2'), [3]);
  });

  it('metrics and tags: v3 lost its tag, so only v1; a removed tag does not match !=', async () => {
    assert.deepEqual(await search("metrics.wape < 0.12 and tags.team = 'x'"), [1]);
    assert.deepEqual(await search("tags.team != 'x'"), [2]);
    assert.deepEqual(await search("tags.note = 'it\\'s'"), [4]);
  });

  it('params compare as numbers with a number, as text with a text; a missing key matches nothing', async () => {
    assert.deepEqual(await search('params.eta > 0.12'), [3, 1]);
    assert.deepEqual(await search('params.maxDepth != 8'), [1]);
    assert.deepEqual(await search("params.maxDepth = '8'"), [3]);
  });

  it('attributes, stage included (from the projection\'s view)', async () => {
    assert.deepEqual(await search("attributes.stage = 'champion'"), [3]);
    assert.deepEqual(await search("attributes.stage = 'archived'"), [1]);
    assert.deepEqual(await search("attributes.trigger != 'manual' AND attributes.version <= 3"), [3, 1]);
  });

  it('orders by a metric either way, runs without it last, and pages', async () => {
    assert.deepEqual(await search('', 'metrics.wape DESC'), [2, 1, 3, 4]);
    assert.deepEqual(await search('', 'metrics.wape'), [3, 1, 2, 4]);
    assert.deepEqual(await search('', 'params.eta DESC'), [1, 3, 2, 4]);
    assert.deepEqual(await searchVersions(ch, db, { filter: [], order: parseOrder('metrics.wape DESC'), limit: 2, offset: 0 }), { versions: [2, 1], more: true });
    assert.deepEqual(await searchVersions(ch, db, { filter: [], order: parseOrder('metrics.wape DESC'), limit: 2, offset: 2 }), { versions: [3, 4], more: false });
  });

  it('injection: quotes are values, never SQL; anything outside the grammar is refused naming filter', async () => {
    assert.deepEqual(await search("tags.team = 'x\\' OR 1=1 --'"), []);
    assert.deepEqual(await search('tags.team = "x\') OR (1=1"'), []);
    for (const bad of ['metrics.wape < 0.1; DROP TABLE model_runs', "tags.team = 'x' OR 1=1", 'metrics.wape < 0.1 --', 'attributes.version < 1 UNION SELECT 1', 'metrics.wape) OR (1 < 2', 'attributes.password = 1']) {
      assert.throws(() => parseFilter(bad), (e: unknown) => e instanceof ValidationError && e.field === 'filter', bad);
    }
    assert.deepEqual(await search(''), [4, 3, 2, 1], 'tables intact');
  });
});
