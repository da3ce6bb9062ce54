/**
 * The registry projection's routes: each of the three registry topics goes
 * to its table (lib/routed-sink.ts decodes, dead-letters what cannot be
 * read, and inserts before the runner commits the batch's offsets).
 * Promotion rows say whether the registry fold applied them; the outcomes
 * are seeded from the promotions already in the table before the first batch.
 */
import type { Topics } from '../../lib/config.js';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../schemas/types.js';
import type { BatchSink } from '../../lib/runner.js';
import { routedSink, type Route, type RoutedSinkDeps } from '../../lib/routed-sink.js';
import { PromotionOutcomes } from '../../domain/registry/projection/promotion-outcomes.js';
import { promotionRow, requestRow, runRow } from '../../domain/registry/projection/rows.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../domain/registry/projection/tables.js';

/** The registry projection's topics and tables; `outcomes` says which promotions took effect. */
export function registryRoutes(topics: Readonly<Topics>, outcomes: () => PromotionOutcomes): Route[] {
  return [
    { topic: topics.trainingRequests, table: REQUESTS_TABLE, toRow: (v, at) => requestRow(v as TrainingRequested, at) },
    { topic: topics.modelTrained, table: RUNS_TABLE, toRow: (v, at) => runRow(v as ModelTrained, at) },
    {
      topic: topics.modelPromoted,
      table: PROMOTIONS_TABLE,
      toRow: (v, at) => promotionRow(v as ModelPromoted, at, outcomes().applied(v as ModelPromoted, at)),
    },
  ];
}

/** The registry projection's sink for lib/runner.ts. */
export function registrySink(deps: Omit<RoutedSinkDeps, 'routes' | 'deadLetterTopic'> & { topics: Readonly<Topics> }): BatchSink {
  const { topics, ...rest } = deps;
  let outcomes: PromotionOutcomes | null = null;
  const inner = routedSink({ ...rest, routes: registryRoutes(topics, () => outcomes!), deadLetterTopic: topics.deadLetter });
  return async (batch) => {
    outcomes ??= await PromotionOutcomes.load(deps.ch, deps.database);
    return inner(batch);
  };
}
