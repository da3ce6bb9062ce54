/**
 * The gateway's projection of the model log: the trainer's registry fold
 * (runs and promotions, domain/registry/state.ts) plus the training requests
 * the dashboard lists. Pure: a replay of the topics rebuilds the same state.
 */
import type { TrainingRequested } from '../../schemas/types.js';
import { emptyRegistry, evolveRegistry, type RegistryEvent, type RegistryState } from '../../domain/registry/state.js';
import { assertNever, type Fold } from '../../domain/decider.js';

/** A training request, or any registry event (runs, promotions, annotations, aliases). */
export type ModelLogEvent = { type: 'requested'; event: TrainingRequested } | RegistryEvent;

export interface GatewayRegistry {
  registry: RegistryState;
  /** Requests in arrival order, the last `REQUEST_CAP` only. */
  requests: readonly TrainingRequested[];
}

const REQUEST_CAP = 500;

export const initialGatewayRegistry: GatewayRegistry = Object.freeze({ registry: emptyRegistry, requests: [] });

/** Applies one model-log event; redelivered requests (same id) change nothing. */
export function evolveGatewayRegistry(s: GatewayRegistry, e: ModelLogEvent): GatewayRegistry {
  switch (e.type) {
    case 'requested':
      if (s.requests.some((r) => r.requestId === e.event.requestId)) return s;
      return { ...s, requests: [...s.requests, e.event].slice(-REQUEST_CAP) };
    case 'trained':
    case 'promoted':
    case 'annotated':
    case 'aliased':
      return { ...s, registry: evolveRegistry(s.registry, e) };
    default:
      return assertNever(e, 'model-log event');
  }
}

/** The gateway's model-log projection as a fold (no commands: the gateway only reads the log here). */
export const gatewayRegistryFold: Fold<GatewayRegistry, ModelLogEvent> = { initial: initialGatewayRegistry, evolve: evolveGatewayRegistry };

/** Request id -> the run that answered it. */
export function runOfRequest(s: GatewayRegistry): Map<string, string> {
  const out = new Map<string, string>();
  for (const run of s.registry.versions.values()) for (const id of run.requestIds) out.set(id, run.runId);
  return out;
}
