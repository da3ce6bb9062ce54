/**
 * The training coordinator as a decider: which request starts a run, and
 * which wait. One run at a time; every request that arrives while a run is
 * in progress joins ONE pending batch, which becomes the next run with every
 * reason and request id kept. A request id seen before (redelivery, two
 * schedulers firing the same tick, a request an earlier run already
 * answered) is ignored.
 */
import { AppError } from '../../lib/errors.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { assertNever, eventsOrThrow, refuse, type Decider, type Decision } from '../../domain/decider.js';

export interface RunningRun {
  readonly runId: string;
  readonly requests: readonly TrainingRequested[];
}

export interface CoordinatorState {
  readonly running: RunningRun | null;
  /** Requests waiting for the next run, in arrival order. */
  readonly pending: readonly TrainingRequested[];
  /** Ids queued, running, or answered by a recorded run. */
  readonly seen: ReadonlySet<string>;
}

export const initialCoordinatorState: CoordinatorState = Object.freeze({ running: null, pending: [], seen: new Set<string>() });

export type CoordinatorCommand =
  | { type: 'request'; request: TrainingRequested }
  /** Ids a recorded run (model.trained) already answered: at start-up, or runs of another instance. */
  | { type: 'markAnswered'; requestIds: readonly string[] }
  | { type: 'start'; runId: string }
  | { type: 'finish'; runId: string };

export type CoordinatorEvent =
  | { type: 'requestQueued'; request: TrainingRequested }
  | { type: 'requestIgnored'; requestId: string; why: 'duplicate' }
  | { type: 'requestsAnswered'; requestIds: readonly string[] }
  | { type: 'runStarted'; runId: string; requests: readonly TrainingRequested[] }
  | { type: 'runFinished'; runId: string; requestIds: readonly string[] };

/** Decides what a command means in the current state; never mutates it. Refuses (COORDINATOR_STATE) a finish for a run that is not running. */
export function decideCoordinator(cmd: CoordinatorCommand, state: CoordinatorState): Decision<CoordinatorEvent> {
  switch (cmd.type) {
    case 'request':
      if (state.seen.has(cmd.request.requestId)) return [{ type: 'requestIgnored', requestId: cmd.request.requestId, why: 'duplicate' }];
      return [{ type: 'requestQueued', request: cmd.request }];
    case 'markAnswered': {
      const fresh = cmd.requestIds.filter((id) => !state.seen.has(id) || state.pending.some((r) => r.requestId === id));
      return fresh.length === 0 ? [] : [{ type: 'requestsAnswered', requestIds: fresh }];
    }
    case 'start':
      if (state.running !== null || state.pending.length === 0) return [];
      return [{ type: 'runStarted', runId: cmd.runId, requests: state.pending }];
    case 'finish':
      if (state.running?.runId !== cmd.runId) {
        return refuse(new AppError('COORDINATOR_STATE', `run ${cmd.runId} finished but ${state.running ? `run ${state.running.runId}` : 'no run'} is in progress`));
      }
      return [{ type: 'runFinished', runId: cmd.runId, requestIds: state.running.requests.map((r) => r.requestId) }];
    default:
      return assertNever(cmd, 'coordinator command');
  }
}

/** Applies one event; returns a new state. */
export function evolveCoordinator(state: CoordinatorState, e: CoordinatorEvent): CoordinatorState {
  switch (e.type) {
    case 'requestQueued':
      return { ...state, pending: [...state.pending, e.request], seen: withIds(state.seen, [e.request.requestId]) };
    case 'requestIgnored':
      return state;
    case 'requestsAnswered': {
      const ids = new Set(e.requestIds);
      return { ...state, pending: state.pending.filter((r) => !ids.has(r.requestId)), seen: withIds(state.seen, e.requestIds) };
    }
    case 'runStarted':
      return { ...state, running: { runId: e.runId, requests: e.requests }, pending: [] };
    case 'runFinished':
      return { ...state, running: null };
    default:
      return assertNever(e, 'coordinator event');
  }
}

export const coordinatorDecider: Decider<CoordinatorCommand, CoordinatorState, CoordinatorEvent> = {
  initial: initialCoordinatorState,
  decide: decideCoordinator,
  evolve: evolveCoordinator,
};

/** Decide then evolve: the new state and what happened. Throws a refusal: the service's state went wrong, a bug to crash on. */
export function handleCoordinator(state: CoordinatorState, cmd: CoordinatorCommand): { state: CoordinatorState; events: readonly CoordinatorEvent[] } {
  const events = eventsOrThrow(decideCoordinator(cmd, state));
  return { state: events.reduce(evolveCoordinator, state), events };
}

function withIds(seen: ReadonlySet<string>, ids: readonly string[]): ReadonlySet<string> {
  const next = new Set(seen);
  for (const id of ids) next.add(id);
  return next;
}
