/**
 * The sales hierarchy: total, store, department (across stores) and
 * store x department (the series the model forecasts). It is a grouped
 * hierarchy, not a tree: a series belongs to one store AND one department, so
 * the store level and the department level each add up to the total.
 *
 * Nodes are ordered aggregates first (total, stores ascending, departments
 * ascending), then the bottom series in the order given, which is the
 * summing matrix S = [C; I] of the reconciliation literature (Hyndman and
 * Athanasopoulos, FPP3 ch. 11): a full vector y = S b for bottom values b.
 * The matrix is built from the series keys alone, so a new store or
 * department enters the hierarchy with its first series.
 */
import { ValidationError } from '../../lib/errors.js';

/** The levels, top down. `series` is the bottom (store x department). */
export const LEVELS = ['total', 'store', 'dept', 'series'] as const;
export type Level = (typeof LEVELS)[number];

/** One node: its level and which store / department it covers (0 = all). */
export interface HierarchyNode {
  level: Level;
  /** 0 at the total and department levels. */
  store: number;
  /** 0 at the total and store levels. */
  dept: number;
}

export interface Hierarchy {
  /** Aggregates first, then the bottom series; index = row of S. */
  nodes: HierarchyNode[];
  /** Number of aggregate nodes (rows of C); node `aggregates + j` is bottom series j. */
  aggregates: number;
  /** For each aggregate node, the bottom series indices it sums (a row of C). */
  members: number[][];
}

/** A series key as the log names it. */
export interface SeriesId {
  store: number;
  dept: number;
}

/** The hierarchy of `series` (bottom order kept; a duplicated key is refused: it would be counted twice). */
export function buildHierarchy(series: readonly SeriesId[]): Hierarchy {
  if (series.length === 0) throw new ValidationError('series', 'at least one series to build a hierarchy from', 0);
  const seen = new Set<string>();
  const byStore = new Map<number, number[]>();
  const byDept = new Map<number, number[]>();
  series.forEach((s, j) => {
    const key = `${s.store}:${s.dept}`;
    if (seen.has(key)) throw new ValidationError(`series[${j}]`, 'each store:dept once', key);
    seen.add(key);
    if (!byStore.has(s.store)) byStore.set(s.store, []);
    byStore.get(s.store)!.push(j);
    if (!byDept.has(s.dept)) byDept.set(s.dept, []);
    byDept.get(s.dept)!.push(j);
  });
  const nodes: HierarchyNode[] = [{ level: 'total', store: 0, dept: 0 }];
  const members: number[][] = [series.map((_, j) => j)];
  for (const store of [...byStore.keys()].sort((a, b) => a - b)) {
    nodes.push({ level: 'store', store, dept: 0 });
    members.push(byStore.get(store)!);
  }
  for (const dept of [...byDept.keys()].sort((a, b) => a - b)) {
    nodes.push({ level: 'dept', store: 0, dept });
    members.push(byDept.get(dept)!);
  }
  const aggregates = nodes.length;
  for (const s of series) nodes.push({ level: 'series', store: s.store, dept: s.dept });
  return { nodes, aggregates, members };
}

/** Number of bottom series. */
export function bottomCount(h: Hierarchy): number {
  return h.nodes.length - h.aggregates;
}

/** The dense summing matrix S (nodes x bottom series) of 0/1; for tests and small hierarchies, the reconciliation never builds it. */
export function summingMatrix(h: Hierarchy): number[][] {
  const m = bottomCount(h);
  const S = h.nodes.map(() => new Array<number>(m).fill(0));
  h.members.forEach((js, i) => {
    for (const j of js) S[i]![j] = 1;
  });
  for (let j = 0; j < m; j++) S[h.aggregates + j]![j] = 1;
  return S;
}

/** S b: every node's value from bottom values `b` (length = bottom series). */
export function aggregate(h: Hierarchy, b: ArrayLike<number>): Float64Array {
  const m = bottomCount(h);
  if (b.length !== m) throw new ValidationError('bottom values', `${m} values, one per series`, b.length);
  const y = new Float64Array(h.nodes.length);
  h.members.forEach((js, i) => {
    let s = 0;
    for (const j of js) s += b[j]!;
    y[i] = s;
  });
  for (let j = 0; j < m; j++) y[h.aggregates + j] = b[j]!;
  return y;
}

/** The largest |aggregate - sum of its members| in a full vector `y` (0 for a coherent one). */
export function incoherence(h: Hierarchy, y: ArrayLike<number>): number {
  let worst = 0;
  h.members.forEach((js, i) => {
    let s = 0;
    for (const j of js) s += y[h.aggregates + j]!;
    worst = Math.max(worst, Math.abs(y[i]! - s));
  });
  return worst;
}
