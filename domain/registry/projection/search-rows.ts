/**
 * Rows that make runs searchable by their params, metrics and tags (the
 * search projection, search-spec.ts): one row per key instead of a JSON
 * string, so a filter compares values in ClickHouse. Pure.
 */
import type { ModelAnnotated, ModelTrained } from '../../../schemas/types.js';
import { runMetrics } from '../state.js';
import type { LogPosition } from './rows.js';

export interface RunValueRow {
  version: number;
  /** 'metric' (a number) or 'param' (its text; numbers as JSON writes them). */
  kind: 'metric' | 'param';
  key: string;
  num: number;
  str: string;
  kafka_partition: number;
  kafka_offset: number;
}

export interface TagRow {
  version: number;
  key: string;
  value: string;
  /** 1: the latest event for this key removed the tag. */
  removed: number;
  kafka_partition: number;
  kafka_offset: number;
}

/** Comparators whose metrics are kept besides the model's own (`seasonalNaive.wape`); the model's are bare (`wape`). */
const COMPARATORS = ['seasonalNaive', 'lastValue', 'champion'] as const;
const METRIC_NAMES = ['wape', 'mae', 'rmse', 'wmae', 'n'] as const;

/** A run's params (flattened with dots) and holdout metrics, finite numbers only. */
export function runValueRows(e: ModelTrained, at: LogPosition): RunValueRow[] {
  const base = { version: e.version, kafka_partition: at.partition, kafka_offset: Number(at.offset) };
  const out: RunValueRow[] = [];
  const metric = (key: string, v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ ...base, kind: 'metric', key, num: v, str: String(v) });
  };
  const m = runMetrics(e);
  for (const name of METRIC_NAMES) metric(name, m.model?.[name]);
  for (const c of COMPARATORS) for (const name of METRIC_NAMES) metric(`${c}.${name}`, m[c]?.[name]);
  metric('points', m.points);
  metric('dropped', m.dropped);
  for (const [key, v] of flatten(parseObject(e.params))) {
    const num = typeof v === 'number' && Number.isFinite(v) ? v : 0;
    out.push({ ...base, kind: 'param', key, num, str: typeof v === 'string' ? v : JSON.stringify(v) });
  }
  return out;
}

/** A tag patch as rows: set keys with their value, removed keys marked (the latest row per key wins in the table). */
export function tagRows(e: ModelAnnotated, at: LogPosition): TagRow[] {
  const base = { version: e.version, kafka_partition: at.partition, kafka_offset: Number(at.offset) };
  return [
    ...Object.entries(e.setTags).map(([key, value]) => ({ ...base, key, value, removed: 0 })),
    ...e.removeTags.map((key) => ({ ...base, key, value: '', removed: 1 })),
  ];
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `{a: {b: 1}}` -> [['a.b', 1]]; arrays and scalars are leaves. */
function flatten(o: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}
