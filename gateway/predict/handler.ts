import { PredictItem, predictBatch } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';
import { parseWith } from '../http/validate.js';
import { answerRows, predictResponse } from './answer.js';
import { isPlainItem } from './parse.js';
import { noModel } from './predictor.js';
import { withServedModel } from '../model/alias-models.js';
import type { LoadedModel } from '../model/holder.js';
import { resolveItem, type ScoringRow } from './resolve.js';

export interface ParsedPredict {
  batch: boolean;
  items: PredictItem[];
}

/**
 * POST /v1/predict's work, shared by the declared route (gateway/routes/
 * predict.ts, which the OpenAPI document describes) and the fast path in
 * front of Koa (fast-path.ts): parse one item or a batch, then answer it
 * with one model version, as JSON text.
 */
/** What the predict handler takes from the gateway context. */
export type PredictHandlerDeps = Pick<GatewayContext, 'aliasModels' | 'assertServing' | 'cfg' | 'forecasts' | 'holder' | 'scored' | 'store'>;

export function createPredictHandler(g: PredictHandlerDeps) {
  const maxBatch = g.cfg.gateway.maxBatch;
  const batchSchema = predictBatch(maxBatch);
  return {
    /** Valid items take a quick check (parse.ts); anything else goes through the zod schema, whose refusal names the field. */
    parse(raw: unknown): ParsedPredict {
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'items' in raw) {
        const items = (raw as { items: unknown }).items;
        const plain = Object.keys(raw).length === 1 && Array.isArray(items) && items.length >= 1 && items.length <= maxBatch && items.every(isPlainItem);
        return { batch: true, items: plain ? (items as PredictItem[]) : parseWith(batchSchema, raw, 'body').items };
      }
      return { batch: false, items: [isPlainItem(raw) ? raw : parseWith(PredictItem, raw, 'body')] };
    },
    /**
     * The response text (a Prediction or a PredictBatchResponse) from the champion, or from the
     * version `alias` names (?alias=); throws the 4xx/5xx errors of the route.
     */
    answer(p: ParsedPredict, alias?: string): Promise<string> {
      g.assertServing();
      // the champion's lease is synchronous: the hot path does not wait on the alias table
      if (alias !== undefined) return withServedModel(g.aliasModels, alias, (model, name) => answerWith(g, p, model, name));
      const lease = g.holder.lease();
      if (!lease) return Promise.reject(noModel(g.holder));
      // no closure per request on the champion's path: a single cached answer costs a few tens of microseconds
      return answerWith(g, p, lease.model, 'champion').finally(lease.release);
    },
  };
}

const itemField = (i: number) => `items.${i}.week`;
const singleField = () => 'week';

/** One request's answer by one leased model, `name` the alias that chose it. */
async function answerWith(g: PredictHandlerDeps, { batch, items }: ParsedPredict, model: LoadedModel, name: string): Promise<string> {
  const rows: ScoringRow[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) rows[i] = resolveItem(g.store, items[i]!, model.horizon, model.version, batch ? i : '');
  const a = await answerRows(model, g.forecasts, rows, batch ? itemField : singleField, name);
  g.scored('predict', model, rows.length);
  return predictResponse(model, batch, a, name);
}

export type PredictHandler = ReturnType<typeof createPredictHandler>;
