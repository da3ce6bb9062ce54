/**
 * The one form of a decider test: given these events (folded from the
 * initial state), when these commands (decided and evolved in order), then
 * these events, or the refusal of the first refused command.
 */
import { foldAll, isRefusal, type Decider, type Refusal } from './decider.js';

/** Runs a scenario; `then` is every event the commands produced, or the first refusal (later commands are not run). */
export function givenWhenThen<C, S, E>(decider: Decider<C, S, E>, given: readonly E[], when: C | readonly C[]): { then: E[] | Refusal; state: S } {
  let state = foldAll(decider, given);
  const then: E[] = [];
  for (const cmd of (Array.isArray(when) ? when : [when]) as readonly C[]) {
    const d = decider.decide(cmd, state);
    if (isRefusal(d)) return { then: d, state };
    then.push(...d);
    state = d.reduce(decider.evolve, state);
  }
  return { then, state };
}
