/**
 * The registry projection's routes: each of the three registry topics goes
 * to its table (lib/routed-sink.ts decodes, dead-letters what cannot be
 * read, and inserts before the runner commits the batch's offsets).
 */
import type { Topics } from '../../lib/config.js';
import type { ModelPromoted, ModelTrained, TrainingRequested } from '../../schemas/types.js';
import { routedSink, type Route, type RoutedSinkDeps } from '../../lib/routed-sink.js';
import { promotionRow, requestRow, runRow } from '../../domain/registry/projection/rows.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../domain/registry/projection/tables.js';

/** The registry projection's topics and tables. */
export function registryRoutes(topics: Readonly<Topics>): Route[] {
  return [
    { topic: topics.trainingRequests, table: REQUESTS_TABLE, toRow: (v, at) => requestRow(v as TrainingRequested, at) },
    { topic: topics.modelTrained, table: RUNS_TABLE, toRow: (v, at) => runRow(v as ModelTrained, at) },
    { topic: topics.modelPromoted, table: PROMOTIONS_TABLE, toRow: (v, at) => promotionRow(v as ModelPromoted, at) },
  ];
}

/** The registry projection's sink for lib/runner.ts. */
export function registrySink(deps: Omit<RoutedSinkDeps, 'routes' | 'deadLetterTopic'> & { topics: Readonly<Topics> }) {
  const { topics, ...rest } = deps;
  return routedSink({ ...rest, routes: registryRoutes(topics), deadLetterTopic: topics.deadLetter });
}
