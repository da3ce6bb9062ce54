import { UsageError } from '../../lib/process/cli.js';
import type { ReplayStart } from './replay.js';

/**
 * Where a replay starts, from `--from` (an ISO 8601 time, or `beginning`),
 * checked against `--in-place`: an in-place replay drops the live projection
 * tables first, so starting anywhere but the beginning would leave them
 * holding only the events after that time. Throws naming the option.
 */
export function replayStart(from: string | undefined, inPlace: boolean): ReplayStart {
  if (from === undefined || from === 'beginning') return { kind: 'beginning' };
  const ms = Date.parse(from);
  if (Number.isNaN(ms)) throw new UsageError('--from', `expected an ISO 8601 time such as 2026-11-26T10:00:00Z (or "beginning"), got "${from}"`);
  if (inPlace) {
    throw new UsageError(
      '--from',
      `refused with --in-place: an in-place replay drops the live projection tables, so it must rebuild them from the beginning (got --from ${from}). ` +
        'Drop --from to rebuild the live tables whole, or replay from that time into another database (--target DB, the default without --in-place).',
    );
  }
  return { kind: 'timestamp', ms };
}
