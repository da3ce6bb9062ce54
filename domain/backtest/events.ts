/**
 * A backtest's side of the log: `backtest.requests` (asked for, before any
 * work) and `backtest.results` (finished or failed, with its summary). Kept
 * off `training.requests` on purpose: the trainer consumes that topic and
 * would answer a backtest request with a real training run. The ids are
 * here; the publisher is io/publisher.ts.
 */
import { randomBytes } from 'node:crypto';

/** A new backtest id, `bt-YYYYMMDD-HHMMSS-xxxxxx` (UTC, sortable, safe as a folder name). */
export function newBacktestId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `bt-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What a backtest id looks like; anything else is refused before it becomes a path. */
export const BACKTEST_ID = /^bt-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;
