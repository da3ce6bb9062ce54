/**
 * The schedule trigger: a cron expression (UTC) that emits a training request
 * at each tick. The request id is derived from the tick time, so two trainer
 * instances firing the same tick produce one request after de-duplication.
 */
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { nextTick, scheduledRequest } from '../../domain/training/schedule.js';

export { nextTick, scheduledRequest };

/** setTimeout's ceiling (~24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Scheduler {
  /** Epoch ms of the next tick. */
  next(): number;
  stop(): void;
}

/**
 * Calls `emit` at every tick of `cron` until stopped, except while `paused()`
 * (the tick is skipped). A failed emit is logged and the schedule goes on
 * (the next tick asks again). `now` is injectable for tests.
 */
export function startScheduler(cron: string, emit: (r: TrainingRequested) => Promise<void>, log: Logger, now: () => number = Date.now, paused: () => boolean = () => false): Scheduler {
  let due = nextTick(cron, now());
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const wait = Math.max(0, Math.min(due - now(), MAX_TIMER_MS));
    timer = setTimeout(() => {
      if (now() < due) return arm();
      const tick = due;
      due = nextTick(cron, tick);
      if (paused()) {
        log.info(`schedule: paused, tick ${new Date(tick).toISOString()} skipped`);
        return arm();
      }
      emit(scheduledRequest(cron, tick))
        .then(() => log.info(`schedule: requested training (tick ${new Date(tick).toISOString()})`))
        .catch((err: unknown) => log.error(`schedule: request failed: ${messageOf(err)}`))
        .finally(arm);
    }, wait);
    timer.unref();
  };
  arm();
  log.info(`schedule "${cron}" (UTC): next run at ${new Date(due).toISOString()}`);
  return {
    next: () => due,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
