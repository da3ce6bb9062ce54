/**
 * Retrying a failed training run: each request of the run is asked again,
 * under an id that counts the attempts (`retry-<n>-<original id>`), after a
 * backoff that doubles, up to `maxRetries` times. The attempt number comes
 * from the id alone, so a restarted trainer counts the same way.
 */
import type { TrainingRequested } from '../../schemas/types.js';

const RETRY_ID = /^retry-(\d+)-(.+)$/;

/** The retry number of a request (0 for an original request) and the id of the original. */
export function attemptOf(requestId: string): { retry: number; original: string } {
  const m = RETRY_ID.exec(requestId);
  return m ? { retry: Number(m[1]), original: m[2]! } : { retry: 0, original: requestId };
}

/** The retry of `r` after its run failed with `reason`, and how long to wait first (ms); null when the retries are used up. */
export function retryOf(r: TrainingRequested, reason: string, maxRetries: number, baseMs: number, now: number): { request: TrainingRequested; waitMs: number } | null {
  const { retry, original } = attemptOf(r.requestId);
  if (retry >= maxRetries) return null;
  const next = retry + 1;
  return {
    waitMs: baseMs * 2 ** retry,
    request: {
      ...r,
      requestId: `retry-${next}-${original}`,
      reason: `retry ${next}/${maxRetries} of ${original} (${r.reason}): the run failed: ${reason}`.slice(0, 1000),
      requestedBy: 'trainer-retry',
      requestedAt: now,
    },
  };
}
