/**
 * One training at a time: the coordinator decider's state (requests queued,
 * the run going) with the one way to change it, and the pump that starts
 * the next run from its queue, keeps this process's outcomes and asks a
 * failed run's requests again after a backoff.
 */
import { randomUUID } from 'node:crypto';
import { AppError, messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { planRun } from '../../domain/training/request.js';
import { retryOf } from '../../domain/training/retry.js';
import { executeRun, type RunContext, type RunOutcome } from '../run/training-run.js';
import { handleCoordinator, initialCoordinatorState, type CoordinatorCommand, type CoordinatorState } from './training-coordinator.js';

/** The coordinator decider's state, with the one way to change it. */
export class Coordinator {
  state: CoordinatorState = initialCoordinatorState;
  dispatch(cmd: CoordinatorCommand) {
    const r = handleCoordinator(this.state, cmd);
    this.state = r.state;
    return r.events;
  }
}

/** Runs one training at a time from the coordinator's queue and keeps the outcomes of this process's runs. */
export class RunPump {
  readonly outcomes: RunOutcome[] = [];
  current: Promise<void> | null = null;
  stopping = false;
  private readonly listeners = new Set<(o: RunOutcome) => void>();

  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly coord: Coordinator, private readonly ctx: RunContext, private readonly log: Logger, private readonly publish: (r: TrainingRequested) => Promise<void>) {}

  /** A failed run's requests are asked again after a backoff (domain/training/retry.ts), through the log like any request. */
  private retryFailed(requests: readonly TrainingRequested[], reason: string): void {
    const { retries, retryBackoffMs } = this.ctx.cfg.trainer;
    for (const r of requests) {
      const next = retryOf(r, reason, retries, retryBackoffMs, Date.now());
      if (!next) {
        this.log.warn(`request ${r.requestId} failed and has no retries left`);
        continue;
      }
      this.log.info(`request ${r.requestId} failed; asking again as ${next.request.requestId} in ${Math.round(next.waitMs / 1000)} s`);
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        if (this.stopping) return;
        this.publish({ ...next.request, requestedAt: Date.now() }).catch((err: unknown) => this.log.error(`retry of ${r.requestId} not requested: ${messageOf(err)}`));
      }, next.waitMs);
      t.unref();
      this.retryTimers.add(t);
    }
  }

  /** Cancels the retries not asked yet (they are asked again only by a failure after the next start). */
  cancelRetries(): void {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
  }

  /** Starts the next run when none is going and one is pending. */
  pump(): void {
    if (this.stopping || this.current) return;
    const runId = randomUUID();
    const started = this.coord.dispatch({ type: 'start', runId }).find((e) => e.type === 'runStarted');
    if (!started || started.type !== 'runStarted') return;
    this.current = executeRun(planRun(started.requests), this.ctx, runId)
      .then((o) => {
        this.outcomes.push(o);
        for (const l of this.listeners) l(o);
        if (o.trained.decision === 'failed') this.retryFailed(started.requests, o.trained.decisionReason);
      })
      .catch((err: unknown) => this.log.error(`run ${runId} could not be recorded (its requests stay unanswered in the log and run at the next start): ${messageOf(err)}`))
      .finally(() => {
        this.coord.dispatch({ type: 'finish', runId });
        this.current = null;
        this.pump();
      });
  }

  waitFor(pred: (o: RunOutcome) => boolean, timeoutMs: number): Promise<RunOutcome> {
    const found = this.outcomes.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new AppError('TIMEOUT', `no matching training run within ${timeoutMs} ms`, { retriable: true }));
      }, timeoutMs);
      const l = (o: RunOutcome) => {
        if (!pred(o)) return;
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve(o);
      };
      this.listeners.add(l);
    });
  }
}
