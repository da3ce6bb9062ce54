/** The registry projection: training requests, runs and promotions into their tables (see tables.ts). */
import type { ProjectionSpec } from '../../../../lib/projection/projector.js';
import { route } from '../../../../lib/projection/routed-sink.js';
import { MODEL_PROMOTED, MODEL_TRAINED, TRAINING_REQUESTED } from '../../../contracts.js';
import { loadPromotionOutcomes } from './promotion-outcomes.js';
import { promotionRow, requestRow, runRow } from '../../projection/rows.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../projection/tables.js';
import { createRegistryTables } from './tables.js';

export const REGISTRY_PROJECTION: ProjectionSpec = {
  name: 'registry',
  topics: (t) => [t.trainingRequests, t.modelTrained, t.modelPromoted],
  // promotion rows say whether the registry fold applied them; the outcomes are seeded from the promotions already in the table
  async routes({ topics, ch, database }) {
    const outcomes = await loadPromotionOutcomes(ch, database);
    return [
      route(topics.trainingRequests, REQUESTS_TABLE, TRAINING_REQUESTED, requestRow),
      route(topics.modelTrained, RUNS_TABLE, MODEL_TRAINED, runRow),
      route(topics.modelPromoted, PROMOTIONS_TABLE, MODEL_PROMOTED, (e, at) => promotionRow(e, at, outcomes.applied(e, at))),
    ];
  },
  createTables: createRegistryTables,
  // every column of each table is hashed (consumers/replay/checksum.ts)
  checksumTables: [{ table: REQUESTS_TABLE }, { table: RUNS_TABLE }, { table: PROMOTIONS_TABLE }],
};
