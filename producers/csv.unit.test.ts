/**
 * Fixture data/fixtures/walmart-small/ (Walmart layout, LF endings):
 *  - train.csv: 44 lines = header + 40 good rows (stores 1-2 x depts 1-2 x 10 Fridays
 *    2010-02-05..2010-04-09; 2010-02-12 is TRUE) + 3 broken lines:
 *      line 12: `1,1,2010-04-16,abc,FALSE`      Weekly_Sales not a number
 *      line 33: `2,1,2010-02-30,15000.00,FALSE` Date not a real date
 *      line 44: `2,2,2010-04-16,12000.5`        4 fields instead of 5
 *  - features.csv: 20 rows (stores 1-2 x the same 10 weeks), markdowns NA.
 *  - stores.csv: store 1 = A, 151315 sq ft; store 2 = A, 202307 sq ft.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../lib/errors.js';
import type { SalesWeek } from '../schemas/types.js';
import { REQUIRED, readHeader } from './csv-columns.js';
import { formatIssue, parseSalesCsv, readSalesCsv, type CsvIssue, type CsvItem } from './csv.js';

const FIXTURE = fileURLToPath(new URL('../data/fixtures/walmart-small/', import.meta.url));
const fixture = (name: string) => ({ file: name, text: readFileSync(join(FIXTURE, name), 'utf8') });

const goods = (items: CsvItem[]): SalesWeek[] => items.flatMap((i) => ('ok' in i ? [i.ok] : []));
const errors = (items: CsvItem[]): CsvIssue[] => items.flatMap((i) => ('error' in i ? [i.error] : []));
const parse = (text: string, file = 'sales.csv') => parseSalesCsv(text, { file, producedAt: 0 });
const WALMART = 'Store,Dept,Date,Weekly_Sales,IsHoliday';

describe('csv import: real-export conventions', () => {
  it('reads LF, CRLF and CR-only files alike, with the same line numbers', () => {
    const lines = [WALMART, '1,1,2010-02-05,24924.5,FALSE', '1,1,2010-02-12,oops,TRUE', '1,1,2010-02-19,41595.55,FALSE'];
    const results = ['\n', '\r\n', '\r'].map((eol) => parse(lines.join(eol) + eol));
    for (const items of results) {
      assert.deepEqual(goods(items).map((e) => e.weeklySales), [24924.5, 41595.55]);
      assert.deepEqual(errors(items), [{ file: 'sales.csv', line: 3, message: 'Weekly_Sales: expected a finite number, got "oops"' }]);
    }
  });

  it('strips a UTF-8 BOM before the header', () => {
    const items = parse(`\uFEFF${WALMART}\n1,1,2010-02-05,10,FALSE\n`);
    assert.equal(goods(items)[0]?.store, 1);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, counting lines right', () => {
    const text = [
      'store,dept,week,sales,store_type',
      '1,1,2010-02-05,100.5,"Super, ""big"" A"',
      '1,2,2010-02-05,"200",B',
      '1,3,2010-02-05,300,"two',
      'lines"',
      '1,4,2010-02-05,"1,234.5",C',
    ].join('\n');
    const items = parse(text);
    assert.deepEqual(goods(items).map((e) => [e.dept, e.weeklySales, e.storeType]), [[1, 100.5, 'Super, "big" A'], [2, 200, 'B'], [3, 300, 'two\nlines']]);
    assert.deepEqual(errors(items), [{ file: 'sales.csv', line: 6, message: 'sales: expected a finite number, got "1,234.5"' }]);
  });

  it('treats NA, N/A, NaN, NULL and empty as missing optional values', () => {
    const text = 'store,dept,week,sales,temperature,fuel_price,cpi,markdown1,unemployment\n1,1,2010-02-05,10,NA,,nan,12.5,N/A\n';
    const [e] = goods(parse(text));
    assert.ok(e);
    assert.deepEqual([e.temperature, e.fuelPrice, e.cpi, e.markdown1, e.unemployment], [null, null, null, 12.5, null]);
  });

  it('rejects NA, NaN, empty and infinity for the required sales', () => {
    const bad = ['NA', 'NaN', '', 'Infinity'];
    const items = parse([WALMART, ...bad.map((s) => `1,1,2010-02-05,${s},FALSE`)].join('\n'));
    assert.equal(goods(items).length, 0);
    assert.deepEqual(errors(items).map((i) => i.message), bad.map((s) => `Weekly_Sales: expected a finite number, got ${JSON.stringify(s)}`));
  });

  it('reads booleans TRUE/FALSE/true/false/1/0, and takes the calendar when the flag is empty', () => {
    const flags = ['TRUE', 'FALSE', 'true', 'false', '1', '0'];
    const items = parse([WALMART, ...flags.map((f, i) => `1,${i + 1},2010-03-05,1,${f}`), '1,9,2010-02-12,1,', '1,9,2010-02-19,1,', '1,9,2010-02-26,1,yes'].join('\n'));
    assert.deepEqual(goods(items).map((e) => e.isHoliday), [true, false, true, false, true, false, true, false]);
    assert.deepEqual(errors(items), [{ file: 'sales.csv', line: 10, message: 'IsHoliday: expected TRUE, FALSE, 1 or 0, got "yes"' }]);
  });

  it('keeps negative sales (returns)', () => {
    const items = parse(`${WALMART}\n1,47,2010-02-05,-863,FALSE\n1,47,2010-02-12,-12.5,TRUE\n1,47,2010-02-19,-1e3,FALSE\n`);
    assert.deepEqual(goods(items).map((e) => e.weeklySales), [-863, -12.5, -1000]);
  });

  it('reports every bad cell of a row, a malformed quote and a wrong field count, while good rows come out', () => {
    const text = [WALMART, '0,1,2010-02-05,1,FALSE', '1,x,5/2/2010,1,FALSE', '1,1,2010-02-05,"12"3,FALSE', '1,1,2010-02-12,5,TRUE,extra', '2,2,2010-02-05,7.25,FALSE'].join('\n');
    const items = parse(text);
    assert.deepEqual(goods(items).map((e) => e.eventId), ['2-2-2010-02-05']);
    assert.deepEqual(errors(items).map(formatIssue), [
      'sales.csv:2: Store: expected a positive integer, got "0"',
      'sales.csv:3: Dept: expected a positive integer, got "x"; Date: expected a date YYYY-MM-DD, got "5/2/2010"',
      'sales.csv:4: malformed CSV: field 4: text after a closing quote',
      'sales.csv:5: expected 5 fields as in the header, got 6',
    ]);
  });
});

describe('csv import: layouts and headers', () => {
  it('detects the Walmart and the generic layout, case-insensitively', () => {
    assert.equal(readHeader('t.csv', WALMART.split(','), REQUIRED.sales).layout, 'walmart');
    assert.equal(readHeader('t.csv', ['STORE', 'Dept', 'WEEK', 'Sales'], REQUIRED.sales).layout, 'generic');
  });

  it('imports the generic layout with exogenous columns', () => {
    const text = 'Store,Dept,Week,Sales,Is_Holiday,Temperature,Fuel_Price,MarkDown1,MarkDown2,MarkDown3,MarkDown4,MarkDown5,CPI,Unemployment\n' +
      '3,7,2011-11-25,1234.56,,50.5,3.25,1,2,3,4,5,215.5,7.2\n';
    const [e] = goods(parseSalesCsv(text, { file: 'generic.csv', producedAt: 5 }));
    assert.deepEqual(e, {
      eventId: '3-7-2011-11-25', store: 3, dept: 7, week: '2011-11-25', weeklySales: 1234.56, isHoliday: true,
      temperature: 50.5, fuelPrice: 3.25, markdown1: 1, markdown2: 2, markdown3: 3, markdown4: 4, markdown5: 5,
      cpi: 215.5, unemployment: 7.2, storeType: null, storeSize: null, source: 'csv:generic.csv', producedAt: 5,
    });
  });

  it('fails the whole file when a required column is missing, naming it', () => {
    assert.throws(
      () => parse('Store,Dept,Date,IsHoliday\n1,1,2010-02-05,FALSE\n', 'train.csv'),
      (e: unknown) => e instanceof ValidationError && e.message.startsWith('train.csv: header: expected column Weekly_Sales (or sales), got'),
    );
    assert.throws(() => parse('store,sales\n'), /sales\.csv: header: expected columns Dept, Date \(or week\)/);
    assert.throws(() => parse(''), /sales\.csv: header: expected a header line/);
    assert.throws(
      () => parseSalesCsv(`${WALMART}\n`, { file: 'train.csv', features: { file: 'features.csv', text: 'Store,Temperature\n1,50\n' } }),
      /features\.csv: header: expected column Date \(or week\)/,
    );
  });
});

describe('csv import: the walmart-small fixture', () => {
  const train = fixture('train.csv');
  const items = parseSalesCsv(train.text, { file: train.file, features: fixture('features.csv'), stores: fixture('stores.csv'), producedAt: 0 });

  it('gives the 40 good rows and reports the 3 broken lines', () => {
    assert.equal(goods(items).length, 40);
    assert.deepEqual(errors(items).map(formatIssue), [
      'train.csv:12: Weekly_Sales: expected a finite number, got "abc"',
      'train.csv:33: Date: expected a date YYYY-MM-DD, got "2010-02-30"',
      'train.csv:44: expected 5 fields as in the header, got 4',
    ]);
  });

  it('joins features on store + date and stores on store', () => {
    const e = goods(items).find((x) => x.eventId === '1-1-2010-02-05');
    assert.ok(e);
    assert.deepEqual(
      [e.weeklySales, e.isHoliday, e.temperature, e.fuelPrice, e.markdown1, e.cpi, e.unemployment, e.storeType, e.storeSize, e.source],
      [25745.85, false, 42.31, 2.572, null, 211.0963582, 8.106, 'A', 151315, 'csv:train.csv'],
    );
    const holiday = goods(items).filter((x) => x.isHoliday).map((x) => x.eventId);
    assert.deepEqual(holiday, ['1-1-2010-02-12', '1-2-2010-02-12', '2-1-2010-02-12', '2-2-2010-02-12']);
    assert.ok(goods(items).every((x) => x.temperature !== null && x.storeSize !== null));
    assert.equal(goods(items).find((x) => x.store === 2)?.storeSize, 202307);
  });

  it('leaves covariates null for a week the features file lacks, and a row value wins over the features', () => {
    const text = 'Store,Dept,Date,Weekly_Sales,IsHoliday,Temperature\n1,1,2010-02-05,5,FALSE,99.5\n1,1,2011-01-07,5,FALSE,NA\n';
    const [a, b] = goods(parseSalesCsv(text, { file: 'x.csv', features: fixture('features.csv') }));
    assert.deepEqual([a?.temperature, a?.fuelPrice], [99.5, 2.572]);
    assert.deepEqual([b?.temperature, b?.fuelPrice, b?.storeType], [null, null, null]);
  });

  it('streams the files in small chunks to the same items', async () => {
    const streamed: CsvItem[] = [];
    const opts = { featuresPath: join(FIXTURE, 'features.csv'), storesPath: join(FIXTURE, 'stores.csv'), producedAt: 0, chunkBytes: 7 };
    for await (const item of readSalesCsv(join(FIXTURE, 'train.csv'), opts)) streamed.push(item);
    assert.deepEqual(streamed, items);
  });

  it('reads gzipped files (by their magic bytes) to the same items, a multi-byte character split across chunks included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-gz-'));
    try {
      const paths = ['train.csv', 'features.csv', 'stores.csv'].map((f) => {
        const gz = join(dir, `${f}.gz`);
        writeFileSync(gz, gzipSync(readFileSync(join(FIXTURE, f))));
        return gz;
      });
      for (const chunkBytes of [3, 1024]) {
        const got: CsvItem[] = [];
        for await (const item of readSalesCsv(paths[0]!, { featuresPath: paths[1], storesPath: paths[2], producedAt: 0, chunkBytes })) got.push(item);
        // the same items, but named after the files read (source and messages say .csv.gz)
        assert.deepEqual(JSON.parse(JSON.stringify(got).replaceAll('.csv.gz', '.csv')), JSON.parse(JSON.stringify(items)), `chunkBytes ${chunkBytes}`);
        assert.equal((got.find((i) => 'ok' in i) as { ok: SalesWeek }).ok.source, 'csv:train.csv.gz');
      }
      // a UTF-8 character (2 bytes) inside a quoted field survives 1-byte chunks of the gunzipped stream
      const text = `${WALMART}\n"1","1","2010-02-05","5","FALSE"\n1,2,2010-02-05,é,FALSE\n`;
      writeFileSync(join(dir, 'u.csv'), gzipSync(Buffer.from(text)));
      const got: CsvItem[] = [];
      for await (const item of readSalesCsv(join(dir, 'u.csv'), { producedAt: 0, chunkBytes: 1 })) got.push(item);
      assert.deepEqual(got, parseSalesCsv(text, { file: 'u.csv', producedAt: 0 }));
      assert.match(errors(got)[0]!.message, /é/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a CRLF file with quotes and a BOM split across chunks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-test-'));
    try {
      const text = `\uFEFF${WALMART}\r\n"1","1","2010-02-05","-5.5","FALSE"\r\n1,2,2010-02-05,x,FALSE\r\n1,3,2010-02-05,7,TRUE`;
      const path = join(dir, 'crlf.csv');
      writeFileSync(path, text);
      for (const chunkBytes of [1, 2, 5, 64]) {
        const got: CsvItem[] = [];
        for await (const item of readSalesCsv(path, { producedAt: 0, chunkBytes })) got.push(item);
        assert.deepEqual(got, parseSalesCsv(text, { file: 'crlf.csv', producedAt: 0 }), `chunkBytes ${chunkBytes}`);
        assert.deepEqual(goods(got).map((e) => e.weeklySales), [-5.5, 7]);
        assert.equal(errors(got)[0]?.line, 3);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
