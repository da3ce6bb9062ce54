/**
 * The bulk export's limits against the real stack: a GET before the
 * projector ran answers an empty export and creates no table; with
 * GATEWAY_EXPORT_CONCURRENCY=1, a second export while one is streaming is
 * refused with 503 EXPORT_BUSY and Retry-After, and the slot comes back
 * when the first client goes away.
 */
import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createClickhouse, exec, rows } from '../lib/clickhouse/client.js';
import { eventually } from '../lib/testing.js';
import { createForecastTable } from '../domain/forecasts/io/table.js';
import { startGateway, type Gateway } from './server.js';
import { call, setUp, type Fixture } from './test/fixture.js';

const WEEK = '2012-01-06';
/** Rows of the week: enough CSV (about 40 MB) that a client that stops reading holds the stream open. */
const ROWS = 400_000;

describe('forecast export limits', { timeout: 120_000 }, () => {
  let f: Fixture;
  let gw: Gateway;
  let ch: ReturnType<typeof createClickhouse>;
  const tables = async () => (await rows<{ name: string }>(ch, `SELECT name FROM system.tables WHERE database = '${f.cfg.clickhouse.database}' AND name = 'forecasts'`)).length;

  before(async () => {
    f = await setUp('export-limits', { history: false, patch: (d) => void (d.gateway.exportConcurrency = 1) });
    ch = createClickhouse(f.cfg);
    gw = await startGateway(f.cfg, { webDir: '/nonexistent' });
  });
  after(async () => {
    await gw?.close();
    await ch?.close();
    await f?.cleanup();
  });

  it('a GET before the projector ran answers an empty export and creates no table', async () => {
    const csv = await fetch(`${gw.url}/v1/forecasts?week=${WEEK}`);
    assert.equal(csv.status, 200);
    assert.equal(await csv.text(), '"store","dept","origin","week","horizon","forecast","lower_80","upper_80","lower_95","upper_95","model_version","published_at","level"\n');
    const nd = await fetch(`${gw.url}/v1/forecasts?week=${WEEK}`, { headers: { accept: 'application/x-ndjson' } });
    assert.equal(nd.status, 200);
    assert.equal(await nd.text(), '');
    assert.equal(await tables(), 0, 'no forecasts table after two GETs');
  });

  it('over the cap: 503 EXPORT_BUSY with Retry-After, and the slot comes back when the streaming client goes away', async () => {
    // what the projector does at its start
    await createForecastTable(ch, f.cfg.clickhouse.database);
    await exec(
      ch,
      `INSERT INTO ${f.cfg.clickhouse.database}.forecasts (store, dept, origin, week, horizon, forecast, model_version, trigger, published_at, kafka_partition, kafka_offset) ` +
        `SELECT number % 60000 + 1, intDiv(number, 60000) + 1, toDate('2011-12-30'), toDate('${WEEK}'), 1, 1000.5, 1, 'test', 1700000000000, 0, number FROM system.numbers LIMIT ${ROWS}`,
    );
    // a client that reads the headers and then stops reading: its export keeps streaming (blocked on the socket)
    let slow: ClientRequest | undefined;
    const first = await new Promise<IncomingMessage>((resolve, reject) => {
      slow = request(`${gw.url}/v1/forecasts?week=${WEEK}`, (res) => {
        res.pause();
        resolve(res);
      });
      slow.on('error', reject);
      slow.end();
    });
    assert.equal(first.statusCode, 200);
    try {
      const busy = await call(gw.url, 'GET', `/v1/forecasts?week=${WEEK}`);
      assert.equal(busy.status, 503, JSON.stringify(busy.body));
      assert.equal(busy.body.error.code, 'EXPORT_BUSY');
      assert.match(busy.body.error.message, /at most 1 streaming at once \(GATEWAY_EXPORT_CONCURRENCY\)/);
      assert.equal(busy.headers.get('retry-after'), '2');
    } finally {
      slow!.destroy();
    }
    let status = 0;
    let lines = 0;
    assert.ok(
      await eventually(async () => {
        const r = await fetch(`${gw.url}/v1/forecasts?week=${WEEK}`);
        status = r.status;
        lines = (await r.text()).trim().split('\n').length;
        return status === 200;
      }, 20_000, 200),
      `the slot came back (last status ${status})`,
    );
    assert.equal(lines, ROWS + 1, 'the whole export, header included');
  });
});
