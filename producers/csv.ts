/**
 * Importer for real weekly sales CSVs (layouts in csv-columns.ts). Rows become
 * SalesWeek events; a malformed row becomes an issue naming file, line and column
 * while the good rows keep coming. A header without a required column fails the
 * whole file with a ValidationError. Features (joined on store + date) and stores
 * (joined on store) are small side files read first; the sales file is streamed.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { ValidationError } from '../lib/errors.js';
import type { ExogenousField, SalesWeek } from '../schemas/types.js';
import { salesEventId } from '../schemas/types.js';
import {
  REQUIRED, cell, finiteNumber, isoDate, optionalBoolean, optionalNumber, optionalPositiveInt, optionalText, positiveInt, readHeader,
  type Columns, type Target,
} from './csv-columns.js';
import { CsvTokenizer, tokenizeCsv, type CsvRecord } from './csv-tokenizer.js';
import { DEFAULT_HOLIDAYS, isHolidayWeek, type HolidayRule } from '../domain/sales/holidays.js';

/** A row that could not be imported; `message` names the column and what was expected. */
export interface CsvIssue {
  file: string;
  line: number;
  message: string;
}

export type CsvItem = { ok: SalesWeek } | { error: CsvIssue };

/** Options of both APIs: source (default `csv:<basename>`), producedAt (epoch ms, default now), holidays (calendar for rows without IsHoliday). */
export interface CsvImportOptions {
  source?: string;
  producedAt?: number;
  holidays?: readonly HolidayRule[];
}

/** File API options: paths of the optional side files and the read chunk size in bytes (default 256 KiB). */
export interface CsvFileOptions extends CsvImportOptions {
  featuresPath?: string;
  storesPath?: string;
  chunkBytes?: number;
}

/** Text API options: the sales file's name (for messages and source) and optional side files as text. */
export interface CsvTextOptions extends CsvImportOptions {
  file: string;
  features?: { file: string; text: string };
  stores?: { file: string; text: string };
}

/** `file:line: message`, the form to log or show. */
export function formatIssue(issue: CsvIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}

/** Streams a sales CSV (with optional features/stores files): side-file issues first, then one item per data row. */
export async function* readSalesCsv(path: string, opts: CsvFileOptions = {}): AsyncGenerator<CsvItem> {
  const chunkBytes = opts.chunkBytes ?? 256 * 1024;
  const side = emptySide();
  const issues: CsvIssue[] = [];
  if (opts.featuresPath !== undefined) {
    const reader = featuresReader(basename(opts.featuresPath), side, issues);
    for await (const rec of fileRecords(opts.featuresPath, chunkBytes)) reader.next(rec);
    reader.end();
  }
  if (opts.storesPath !== undefined) {
    const reader = storesReader(basename(opts.storesPath), side, issues);
    for await (const rec of fileRecords(opts.storesPath, chunkBytes)) reader.next(rec);
    reader.end();
  }
  for (const error of issues) yield { error };
  const reader = salesReader(basename(path), side, opts);
  for await (const rec of fileRecords(path, chunkBytes)) {
    const item = reader.next(rec);
    if (item) yield item;
  }
  reader.end();
}

/** Parses a whole sales CSV held in a string (tests, uploads); same items as readSalesCsv. */
export function parseSalesCsv(text: string, opts: CsvTextOptions): CsvItem[] {
  const side = emptySide();
  const out: CsvItem[] = [];
  const issues: CsvIssue[] = [];
  if (opts.features) drain(featuresReader(basename(opts.features.file), side, issues), opts.features.text);
  if (opts.stores) drain(storesReader(basename(opts.stores.file), side, issues), opts.stores.text);
  for (const error of issues) out.push({ error });
  const reader = salesReader(basename(opts.file), side, opts);
  for (const rec of tokenizeCsv(text)) {
    const item = reader.next(rec);
    if (item) out.push(item);
  }
  reader.end();
  return out;
}

async function* fileRecords(path: string, chunkBytes: number): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer();
  // gzip by its magic bytes, not its name: Kaggle-style dumps ship as .csv.gz, and a renamed file still reads
  const raw = createReadStream(path, { highWaterMark: chunkBytes });
  const bytes = (await isGzip(path)) ? raw.pipe(createGunzip({ chunkSize: Math.max(64, chunkBytes) })) : raw;
  // StringDecoder keeps a UTF-8 character split across two chunks whole.
  const text = new StringDecoder('utf8');
  for await (const chunk of bytes) yield* tokenizer.push(text.write(chunk as Buffer));
  yield* tokenizer.push(text.end());
  yield* tokenizer.end();
}

/** Whether a file starts with the gzip magic bytes 1f 8b. */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function drain(reader: RowReader<unknown>, text: string): void {
  for (const rec of tokenizeCsv(text)) reader.next(rec);
  reader.end();
}

type FeatureRow = Record<ExogenousField, number | null>;
interface Side {
  features: Map<string, FeatureRow>;
  stores: Map<number, { storeType: string | null; storeSize: number | null }>;
}
const emptySide = (): Side => ({ features: new Map(), stores: new Map() });
const featureKey = (store: number, week: string) => `${store}|${week}`;

interface RowReader<T> {
  /** null for the header and blank lines */
  next(rec: CsvRecord): { ok: T } | { error: CsvIssue } | null;
  /** throws when the file had no header at all */
  end(): void;
}

/** Reads the header first, then turns each record into a value or an issue. */
function rowReader<T>(file: string, required: readonly Target[], build: (cols: Columns, fields: string[], problems: string[]) => T | undefined): RowReader<T> {
  let cols: Columns | null = null;
  return {
    next(rec) {
      if (cols === null) {
        cols = readHeader(file, rec.fields, required);
        return null;
      }
      if (rec.fields.length === 1 && (rec.fields[0] ?? '').trim() === '') return null;
      if (rec.error !== null) return issueAt(file, rec.line, `malformed CSV: ${rec.error}`);
      if (rec.fields.length !== cols.width) return issueAt(file, rec.line, `expected ${cols.width} fields as in the header, got ${rec.fields.length}`);
      const problems: string[] = [];
      const value = build(cols, rec.fields, problems);
      if (problems.length > 0 || value === undefined) return issueAt(file, rec.line, problems.join('; '));
      return { ok: value };
    },
    end() {
      if (cols === null) throw new ValidationError(`${file}: header`, 'a header line', 'an empty file');
    },
  };
}

// Hot path: top-level functions rather than per-row closures (tsx wraps each closure it creates).
function issueAt(file: string, line: number, message: string): { error: CsvIssue } {
  return { error: { file, line, message } };
}

function pick(cols: Columns, f: string[], t: ExogenousField, problems: string[], fallback: FeatureRow | undefined): number | null {
  return cell(cols, f, t, optionalNumber, problems) ?? fallback?.[t] ?? null;
}

/** The row's own covariates, else the features file's for the same store and date. */
function exogenous(cols: Columns, f: string[], problems: string[], fallback: FeatureRow | undefined): FeatureRow {
  return {
    temperature: pick(cols, f, 'temperature', problems, fallback),
    fuelPrice: pick(cols, f, 'fuelPrice', problems, fallback),
    markdown1: pick(cols, f, 'markdown1', problems, fallback),
    markdown2: pick(cols, f, 'markdown2', problems, fallback),
    markdown3: pick(cols, f, 'markdown3', problems, fallback),
    markdown4: pick(cols, f, 'markdown4', problems, fallback),
    markdown5: pick(cols, f, 'markdown5', problems, fallback),
    cpi: pick(cols, f, 'cpi', problems, fallback),
    unemployment: pick(cols, f, 'unemployment', problems, fallback),
  };
}

function salesReader(file: string, side: Side, opts: CsvImportOptions): RowReader<SalesWeek> {
  const source = opts.source ?? `csv:${file}`;
  const producedAt = opts.producedAt ?? Date.now();
  const holidays = opts.holidays ?? DEFAULT_HOLIDAYS;
  return rowReader(file, REQUIRED.sales, (cols, f, problems) => {
    const store = cell(cols, f, 'store', positiveInt, problems);
    const dept = cell(cols, f, 'dept', positiveInt, problems);
    const week = cell(cols, f, 'week', isoDate, problems);
    const weeklySales = cell(cols, f, 'weeklySales', finiteNumber, problems);
    const holiday = cell(cols, f, 'isHoliday', optionalBoolean, problems);
    const storeType = cell(cols, f, 'storeType', optionalText, problems);
    const storeSize = cell(cols, f, 'storeSize', optionalPositiveInt, problems);
    if (store == null || dept == null || week == null || weeklySales == null) {
      exogenous(cols, f, problems, undefined); // still report every bad cell of the row
      return undefined;
    }
    const x = exogenous(cols, f, problems, side.features.get(featureKey(store, week)));
    const known = side.stores.get(store);
    return {
      eventId: salesEventId(store, dept, week),
      store,
      dept,
      week,
      weeklySales,
      isHoliday: holiday ?? isHolidayWeek(week, holidays),
      temperature: x.temperature,
      fuelPrice: x.fuelPrice,
      markdown1: x.markdown1,
      markdown2: x.markdown2,
      markdown3: x.markdown3,
      markdown4: x.markdown4,
      markdown5: x.markdown5,
      cpi: x.cpi,
      unemployment: x.unemployment,
      storeType: storeType ?? known?.storeType ?? null,
      storeSize: storeSize ?? known?.storeSize ?? null,
      source,
      producedAt,
    };
  });
}

/** A side-file reader that files each good row into `side` and each bad one into `issues`. */
function collecting<T>(reader: RowReader<T>, put: (row: T) => void, issues: CsvIssue[]): RowReader<T> {
  return {
    next(rec) {
      const item = reader.next(rec);
      if (item && 'ok' in item) put(item.ok);
      else if (item) issues.push(item.error);
      return item;
    },
    end: () => reader.end(),
  };
}

/** Later rows for the same store and date replace earlier ones. */
function featuresReader(file: string, side: Side, issues: CsvIssue[]): RowReader<{ key: string; row: FeatureRow }> {
  const reader = rowReader(file, REQUIRED.features, (cols, f, problems) => {
    const store = cell(cols, f, 'store', positiveInt, problems);
    const week = cell(cols, f, 'week', isoDate, problems);
    const row = exogenous(cols, f, problems, undefined);
    return store == null || week == null ? undefined : { key: featureKey(store, week), row };
  });
  return collecting(reader, ({ key, row }) => side.features.set(key, row), issues);
}

function storesReader(file: string, side: Side, issues: CsvIssue[]): RowReader<{ store: number; storeType: string | null; storeSize: number | null }> {
  const reader = rowReader(file, REQUIRED.stores, (cols, f, problems) => {
    const store = cell(cols, f, 'store', positiveInt, problems);
    const storeType = cell(cols, f, 'storeType', optionalText, problems);
    const storeSize = cell(cols, f, 'storeSize', optionalPositiveInt, problems);
    return store == null || storeType === undefined || storeSize === undefined ? undefined : { store, storeType, storeSize };
  });
  return collecting(reader, ({ store, storeType, storeSize }) => side.stores.set(store, { storeType, storeSize }), issues);
}
