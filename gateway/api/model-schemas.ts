/**
 * The shapes of the model registry's reads, GET /v1/models and GET /v1/runs:
 * a version's summary, the lists, and the MLflow-style search query whose
 * filter and order_by are checked by the search grammar's own parsers.
 */
import { z } from 'zod';
import { QueryInt } from '../../lib/query.js';
import { MAX_FILTER_LENGTH, parseFilter } from '../../domain/registry/search/filter.js';
import { parseOrder } from '../../domain/registry/search/order.js';
import { ValidationError } from '../../lib/errors.js';

export const ModelSummary = z
  .object({
    version: z.int(),
    runId: z.string(),
    stage: z.enum(['champion', 'archived', 'candidate', 'rejected', 'failed']),
    trigger: z.string(),
    reasons: z.array(z.string()),
    decision: z.string().describe('promoted | rejected | failed, or unknown when only the promotion is in the log'),
    decisionReason: z.string(),
    params: z.record(z.string(), z.unknown()).describe('XGBoost parameters of the run'),
    metrics: z.record(z.string(), z.unknown()).describe('holdout metrics: model, seasonalNaive, lastValue, champion, each {wape, mae, rmse, wmae}'),
    featureVersion: z.string(),
    horizon: z.int().nullable(),
    holdoutWeeks: z.array(z.string()),
    dataMaxWeek: z.string(),
    dataRows: z.number().nullable(),
    dataSeries: z.int().nullable(),
    durationMs: z.number().nullable(),
    artifactSha256: z.string(),
    artifactBytes: z.number().nullable(),
    trainedAt: z.number().nullable(),
    promotedAt: z.number().nullable().describe('when it last became champion'),
    tags: z.record(z.string(), z.string()).describe('tags set on the version (POST /v1/models/{version}/annotations)'),
    description: z.string(),
    aliases: z.array(z.string()).describe('aliases naming this version (GET /v1/aliases); the champion is `stage`'),
    bestRound: z.int().nullable().describe('the boosting round the model keeps, when the run recorded curves (GET /v1/models/compare)'),
  })
  .meta({ id: 'ModelSummary' });
const NextPageToken = z
  .string()
  .nullable()
  .describe('pass as page_token (with the same filter and order_by) for the next page; null on the last page, and when the list was not searched');
export const ModelsResponse = z
  .object({ champion: z.int().nullable(), models: z.array(ModelSummary), next_page_token: NextPageToken })
  .meta({ id: 'ModelsResponse' });

/** A refinement that runs a grammar's parser: its refusal becomes the field's issue, so it is listed with the other fields' problems. */
function grammar(parse: (text: string) => unknown) {
  return (text: string, ctx: z.RefinementCtx) => {
    try {
      parse(text);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.expected, input: text });
    }
  };
}

/**
 * MLflow-style search of runs and versions (docs/api.md): any of these
 * makes the list a search over the registry projection in ClickHouse;
 * without them the list is every version from the gateway's fold of the log.
 */
export const RunSearchQuery = z.strictObject({
  filter: z
    .string()
    .max(MAX_FILTER_LENGTH)
    .superRefine(grammar(parseFilter))
    .optional()
    .describe("comparisons joined by AND: metrics.<key>, params.<key>, tags.<key> or attributes.<name> with =, !=, <, <=, >, >= and a number or a quoted text, e.g. metrics.wape < 0.12 and tags.team = 'x'"),
  order_by: z.string().max(300).superRefine(grammar(parseOrder)).optional().describe('up to 3 fields separated by commas, each optionally ASC (default) or DESC, e.g. metrics.wape DESC; ties by version, newest first'),
  max_results: QueryInt(1, 1000).optional().describe('page size (default 100 when searching)'),
  page_token: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, { error: 'a next_page_token from a previous answer, unchanged' }).optional().describe('next_page_token of the previous page of this same search'),
});

export const RunsResponse = z
  .object({
    requests: z.array(
      z.object({ requestId: z.string(), trigger: z.string(), reason: z.string(), requestedBy: z.string(), requestedAt: z.number(), runId: z.string().nullable() }),
    ),
    runs: z.array(ModelSummary),
    next_page_token: NextPageToken,
  })
  .meta({ id: 'RunsResponse' });
