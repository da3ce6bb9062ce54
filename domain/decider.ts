/**
 * The one shape every piece of domain logic over events takes (after the
 * decider pattern of oskardudycz/EventSourcing.NodeJS):
 *
 * - `initial`: the state before any event;
 * - `decide(command, state)`: the events a command means in that state, or
 *   a typed `Refusal` saying why not (never throws for a refused input: a
 *   throw is a bug);
 * - `evolve(state, event)`: the state after one event, pure, so a replay of
 *   the log rebuilds it.
 *
 * A projection that only folds (no commands) is a `Fold`: the same
 * `initial` and `evolve`, no `decide`.
 */
import { AppError } from '../lib/errors.js';

/** Why a command was refused: an AppError (ValidationError, NotFoundError, ConflictError...) the caller throws or answers with. */
export interface Refusal {
  readonly refusal: AppError;
}

/** What `decide` returns: the events to append (possibly none), or a refusal. */
export type Decision<E> = readonly E[] | Refusal;

/** A fold over events: a projection's state and how one event changes it. */
export interface Fold<S, E> {
  readonly initial: S;
  evolve(state: S, event: E): S;
}

/** A fold plus the rule that turns a command into events. */
export interface Decider<C, S, E> extends Fold<S, E> {
  decide(command: C, state: S): Decision<E>;
}

/** A refusal of `error`. */
export function refuse(error: AppError): Refusal {
  return { refusal: error };
}

/** Whether a decision (or a `checked` result) is a refusal; an events array is not. */
export function isRefusal<T>(d: T | Refusal): d is Refusal {
  return d !== null && typeof d === 'object' && !Array.isArray(d) && 'refusal' in d && d.refusal instanceof AppError;
}

/** The events of a decision, or throws its refusal (for callers that answer with exceptions, e.g. HTTP). */
export function eventsOrThrow<D extends Decision<unknown>>(d: D): Exclude<D, Refusal> {
  if (isRefusal(d)) throw d.refusal;
  return d as Exclude<D, Refusal>;
}

/** The state after `events`, from `from` (default the fold's initial state). */
export function foldAll<S, E>(fold: Fold<S, E>, events: Iterable<E>, from: S = fold.initial): S {
  let s = from;
  for (const e of events) s = fold.evolve(s, e);
  return s;
}

/** Decide, then evolve: the events and the state after them, or the refusal (the state unchanged). */
export function handle<C, S, E>(decider: Decider<C, S, E>, state: S, command: C): { state: S; events: readonly E[] } | Refusal {
  const d = decider.decide(command, state);
  if (isRefusal(d)) return d;
  return { state: d.reduce(decider.evolve, state), events: d };
}

/**
 * Runs a validator that throws an AppError (the contracts' validators are
 * shared with deciders) and gives its error as a refusal instead; any other
 * throw is a bug and propagates.
 */
export function checked<T>(validate: () => T): T | Refusal {
  try {
    return validate();
  } catch (err) {
    if (err instanceof AppError) return refuse(err);
    throw err;
  }
}

/**
 * The default of an exhaustive switch: the compiler rejects a call whose
 * argument is not `never`, i.e. a case left out; at run time (a value from
 * outside the types) it throws UNREACHABLE naming `what`.
 */
export function assertNever(x: never, what = 'case'): never {
  throw new AppError('UNREACHABLE', `unhandled ${what} ${JSON.stringify(x)}`);
}
