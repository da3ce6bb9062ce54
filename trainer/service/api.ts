/**
 * What the trainer service takes and gives: its options and the handle
 * `startTrainer` (trainer-service.ts) returns.
 */
import type { Logger } from '../../lib/log.js';
import type { TrainingRequested } from '../../schemas/types.js';
import type { RegistryState } from '../../domain/registry/state.js';
import type { NewRequest } from '../../domain/training/request.js';
import type { RunContext, RunOutcome } from '../run/training-run.js';
import type { TriggerGateStatus } from '../triggers/data-gate.js';
import type { DecayStatus } from '../triggers/decay-watcher.js';
import type { CoordinatorState } from './training-coordinator.js';

export interface TrainerOptions {
  /** Consumer group prefix: `<prefix>-requests`, `<prefix>-threshold`. Default `trainer:<training requests topic>`, so trainers of different topic sets never share a group. */
  groupPrefix?: string;
  /** Run the cron trigger (default true). */
  schedule?: boolean;
  /** Run the threshold watcher (default true). */
  threshold?: boolean;
  /** Run the accuracy-decay trigger (default true). */
  decay?: boolean;
  /** How often the decay trigger looks at live accuracy (ms); default 10 s. */
  decayEveryMs?: number;
  /** Weeks of history a series needs before a first model (threshold); default 52 + holdout weeks. */
  thresholdMinWeeks?: number;
  log?: Logger;
  /** Champion artifact cache; default <stackDir>/artifacts-cache. */
  cacheDir?: string;
  materializerWaitMs?: number;
  xgb?: RunContext['xgb'];
  /** How long stop() waits for a run in progress; default 120 s. */
  stopTimeoutMs?: number;
  /** Relay the diagnostics channel to the training.log topic for dashboards in other processes (default true). */
  relayLog?: boolean;
  /** Run the backtests queued for the trainer on backtest.requests (from the dashboard; default true). */
  backtests?: boolean;
}

export interface TrainerService {
  coordinator(): CoordinatorState;
  registry(): RegistryState;
  /** Publishes a training request on the log (it comes back through the consumer like any other). */
  request(r: NewRequest): Promise<TrainingRequested>;
  /** Outcomes of the runs this process finished, oldest first. */
  runs(): readonly RunOutcome[];
  /** Whether each trigger (threshold, schedule, decay) is waiting for the data to be materialized, and why. */
  triggers(): TriggerGateStatus[];
  /** The decay trigger's last look at the champion's live accuracy (null when it does not run). */
  decay(): DecayStatus | null;
  /** Resolves with the first finished run (past or future) matching `pred`; rejects after `timeoutMs` (default 120 s). */
  waitForRun(pred: (o: RunOutcome) => boolean, timeoutMs?: number): Promise<RunOutcome>;
  /** Stops triggers and the consumer, waits for a run in progress, disconnects. */
  stop(): Promise<void>;
  /** Rejects when the request consumer dies for good. */
  done: Promise<void>;
}
