/** The registry projection: training requests, runs and promotions into their tables (see tables.ts). */
import type { ProjectionSpec } from '../../../lib/projector.js';
import { route } from '../../../lib/routed-sink.js';
import { MODEL_PROMOTED, MODEL_TRAINED, TRAINING_REQUESTED } from '../../contracts.js';
import { PromotionOutcomes } from './promotion-outcomes.js';
import { promotionRow, requestRow, runRow } from './rows.js';
import { createRegistryTables, PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from './tables.js';

export const REGISTRY_PROJECTION: ProjectionSpec = {
  name: 'registry',
  topics: (t) => [t.trainingRequests, t.modelTrained, t.modelPromoted],
  // promotion rows say whether the registry fold applied them; the outcomes are seeded from the promotions already in the table
  async routes({ topics, ch, database }) {
    const outcomes = await PromotionOutcomes.load(ch, database);
    return [
      route(topics.trainingRequests, REQUESTS_TABLE, TRAINING_REQUESTED, requestRow),
      route(topics.modelTrained, RUNS_TABLE, MODEL_TRAINED, runRow),
      route(topics.modelPromoted, PROMOTIONS_TABLE, MODEL_PROMOTED, (e, at) => promotionRow(e, at, outcomes.applied(e, at))),
    ];
  },
  createTables: createRegistryTables,
  checksumTables: [
    { table: REQUESTS_TABLE, columns: ['request_id', 'trigger', 'reason', 'cutoff_week', 'requested_by', 'requested_at', 'params', 'kafka_partition', 'kafka_offset'] },
    { table: RUNS_TABLE, columns: ['version', 'run_id', 'trigger', 'params', 'metrics', 'data_max_week', 'data_rows', 'artifact_sha256', 'decision', 'decision_reason', 'trained_at', 'kafka_partition', 'kafka_offset'] },
    { table: PROMOTIONS_TABLE, columns: ['version', 'run_id', 'previous_version', 'kind', 'reason', 'artifact_sha256', 'promoted_by', 'promoted_at', 'applied', 'kafka_partition', 'kafka_offset'] },
  ],
};
