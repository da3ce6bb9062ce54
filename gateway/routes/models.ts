import type { z } from 'zod';
import { NotFoundError } from '../../lib/errors.js';
import type { ModelTrained } from '../../schemas/types.js';
import { aliasesOf, championOf, stageOf, type RegistryState } from '../../domain/registry/state.js';
import { route, type Route } from '../api/route.js';
import { VersionParams } from '../api/schemas.js';
import { ModelsResponse, ModelSummary, RunSearchQuery, RunsResponse } from '../api/model-schemas.js';
import type { GatewayContext } from '../context.js';
import { runOfRequest } from '../state/registry-fold.js';
import { isSearch, searchPage, SEARCH_ERRORS } from './run-search.js';

/** What these routes take from the gateway context, and nothing more. */
export type ModelRouteDeps = Pick<GatewayContext, 'registry' | 'cfg' | 'ch'>;

type Summary = z.output<typeof ModelSummary>;

function json(text: string | undefined): Record<string, unknown> {
  try {
    const v = JSON.parse(text ?? '') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One version as the API lists it: its run record (when the log has it), stage and promotion time. */
export function summarizeVersion(s: RegistryState, version: number): Summary {
  const run: ModelTrained | undefined = s.versions.get(version);
  const promo = [...s.promotions].reverse().find((p) => p.version === version);
  return {
    version,
    runId: run?.runId ?? promo?.runId ?? '',
    stage: stageOf(s, version) ?? 'candidate',
    trigger: run?.trigger ?? '',
    reasons: run?.reasons ?? [],
    decision: run?.decision ?? 'unknown',
    decisionReason: run?.decisionReason ?? promo?.reason ?? '',
    params: json(run?.params),
    metrics: json(run?.metrics),
    featureVersion: run?.featureVersion ?? '',
    horizon: run?.horizon ?? null,
    holdoutWeeks: run?.holdoutWeeks ?? [],
    dataMaxWeek: run?.dataMaxWeek ?? '',
    dataRows: run ? Number(run.dataRows) : null,
    dataSeries: run?.dataSeries ?? null,
    durationMs: run ? Number(run.durationMs) : null,
    artifactSha256: run?.artifactSha256 ?? promo?.artifactSha256 ?? '',
    artifactBytes: run ? Number(run.artifactBytes) : null,
    trainedAt: run ? Number(run.trainedAt) : null,
    promotedAt: promo ? Number(promo.promotedAt) : null,
    tags: { ...(s.annotations.get(version)?.tags ?? {}) },
    description: s.annotations.get(version)?.description ?? '',
    aliases: aliasesOf(s, version),
    bestRound: run?.curves?.bestRound ?? null,
  };
}

/** Every version newest first. */
export function listVersions(s: RegistryState): Summary[] {
  const versions = new Set<number>([...s.versions.keys(), ...s.promotions.map((p) => p.version)]);
  return [...versions].sort((a, b) => b - a).map((v) => summarizeVersion(s, v));
}

const SEARCH_DESCRIPTION =
  'With filter, order_by, max_results or page_token the list is a search, filtered, sorted and paged in ClickHouse over the registry projection ' +
  '(params, metrics and tags as key/value rows; docs/api.md has the grammar). A page lists the versions the gateway\'s fold of the log already holds. ' +
  'Without them: every version, from the fold, next_page_token null.';

/** Summaries of `versions` in that order; a version the projection has and the fold not yet (it reads the same log) is left out. */
function summariesOf(s: RegistryState, versions: number[]): Summary[] {
  return versions.filter((v) => s.versions.has(v) || s.promotions.some((p) => p.version === v)).map((v) => summarizeVersion(s, v));
}

/** GET /v1/models, /v1/models/:version, /v1/runs: reads of the gateway's fold of the model log. */
export function modelRoutes(g: ModelRouteDeps): Route[] {
  return [listModelsRoute(g), oneModelRoute(g), runsRoute(g)];
}

/** GET /v1/models */
function listModelsRoute(g: ModelRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/models',
      tag: 'models',
      access: 'read',
      summary: 'Every model version with its stage, parameters, holdout metrics against the baselines and data window; or a search of them (MLflow search_runs syntax)',
      description: SEARCH_DESCRIPTION,
      query: RunSearchQuery,
      ok: { schema: ModelsResponse, description: 'versions, newest first (or in the order asked)' },
      errors: SEARCH_ERRORS,
    },
    async ({ query }) => {
      const s = g.registry().registry;
      const champion = championOf(s)?.version ?? null;
      const q = query as z.output<typeof RunSearchQuery>;
      if (!isSearch(q)) return { champion, models: listVersions(s), next_page_token: null };
      const page = await searchPage(g, 'models', q, [{ scope: 'attributes', key: 'version', desc: true }]);
      return { champion, models: summariesOf(s, page.versions), next_page_token: page.next };
    },
  );
}

/** GET /v1/models/:version */
function oneModelRoute(g: ModelRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/models/:version',
      tag: 'models',
      access: 'read',
      summary: 'One model version',
      params: VersionParams,
      ok: { schema: ModelSummary, description: 'the version' },
      errors: { 404: 'unknown version' },
    },
    ({ params }) => {
      const { version } = params as z.output<typeof VersionParams>;
      const s = g.registry().registry;
      if (!s.versions.has(version) && !s.promotions.some((p) => p.version === version)) throw new NotFoundError(`model version ${version}`);
      return summarizeVersion(s, version);
    },
  );
}

/** GET /v1/runs */
function runsRoute(g: ModelRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/runs',
      tag: 'models',
      access: 'read',
      summary: 'Training requests (newest first, with the run that answered each) and runs; or a search of the runs (MLflow search_runs syntax)',
      description: SEARCH_DESCRIPTION,
      query: RunSearchQuery,
      ok: { schema: RunsResponse, description: 'requests and runs (newest first, or in the order asked)' },
      errors: SEARCH_ERRORS,
    },
    async ({ query }) => {
      const st = g.registry();
      const answered = runOfRequest(st);
      const requests = [...st.requests].reverse().map((r) => ({
        requestId: r.requestId,
        trigger: r.trigger,
        reason: r.reason,
        requestedBy: r.requestedBy,
        requestedAt: Number(r.requestedAt),
        runId: answered.get(r.requestId) ?? null,
      }));
      const q = query as z.output<typeof RunSearchQuery>;
      if (!isSearch(q)) {
        const runs = [...st.registry.versions.values()]
          .sort((a, b) => Number(b.trainedAt) - Number(a.trainedAt))
          .map((r) => summarizeVersion(st.registry, r.version));
        return { requests, runs, next_page_token: null };
      }
      const page = await searchPage(g, 'runs', q, [{ scope: 'attributes', key: 'trained_at', desc: true }]);
      return { requests, runs: summariesOf(st.registry, page.versions), next_page_token: page.next };
    },
  );
}
