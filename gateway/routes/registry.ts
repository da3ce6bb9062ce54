/**
 * Inspecting and editing the registry beyond promotions (MLflow parity):
 * N versions' curves and feature importance as columns, the ONNX artifact
 * of a version as a download, tags and a description per version, and
 * aliases besides the champion. Edits are events on the log, decided by the
 * registry's command handler against the gateway's fold read to its end.
 */
import { createReadStream } from 'node:fs';
import type { z } from 'zod';
import { AppError, NotFoundError, UnprocessableError } from '../../lib/errors.js';
import { HttpError } from '../http/errors.js';
import { MAX_ALIASES } from '../../domain/registry/aliases.js';
import { curveColumns, importanceColumns } from '../../domain/registry/compare.js';
import { artifactOfVersion, championOf, isKnownVersion } from '../../domain/registry/state.js';
import { route, type Route } from '../api/route.js';
import {
  AliasChangeResponse, AliasesResponse, AliasParams, AnnotateBody, AnnotationsResponse, Artifact, CompareQuery, CompareResponse, RemoveAliasBody, SetAliasBody,
} from '../api/registry-schemas.js';
import { VersionParams } from '../api/schemas.js';
import type { GatewayContext } from '../context.js';

/** What these routes take from the gateway context, and nothing more. */
export type RegistryRouteDeps = Pick<GatewayContext, 'aliasModels' | 'artifactFile' | 'holder' | 'ops' | 'registry'>;

const by = (ctx: { ip: string }) => `gateway:${ctx.ip}`;
const CONFLICT = 'the alias does not name `expectedVersion`, already names that version, or a concurrent change landed first; `error.conflict.actual` names the version it names';

/** GET /v1/models/compare: curves and importance of N versions as columns. */
function compareRoute(g: RegistryRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/models/compare',
      tag: 'models',
      access: 'read',
      summary: 'Training and validation curves per boosting round and feature importance (gain) of N versions, as columns on one axis each',
      query: CompareQuery,
      ok: { schema: CompareResponse, description: 'the columns, versions in the order asked' },
      errors: { 404: 'a version the registry does not know (the message names it)' },
    },
    ({ query }) => {
      const q = query as z.output<typeof CompareQuery>;
      const s = g.registry().registry;
      const versions = [...new Set(q.versions.split(',').map(Number))];
      const unknown = versions.find((v) => !isKnownVersion(s, v));
      if (unknown !== undefined) throw new NotFoundError(`model version ${unknown}`);
      const runOf = (v: number) => s.versions.get(v);
      return { versions, ...curveColumns(versions, runOf), importance: importanceColumns(versions, runOf, q.top ?? 15) };
    },
  );
}

/** GET /v1/models/:version/artifact: the ONNX bytes, verified against the version's sha256, streamed. */
function artifactRoute(g: RegistryRouteDeps): Route {
  return route(
    {
      method: 'get',
      path: '/v1/models/:version/artifact',
      tag: 'models',
      access: 'read',
      summary: 'Download the ONNX model of a version (content-addressed: the bytes hash to its artifactSha256)',
      params: VersionParams,
      ok: { schema: Artifact, description: 'the ONNX file, as an attachment named model-v<version>-<sha256 prefix>.onnx', contentType: 'application/octet-stream' },
      errors: { 404: 'unknown version', 422: 'the version has no artifact (its run failed)', 503: 'the artifact could not be read from model.artifacts; retry' },
    },
    async ({ params }, ctx) => {
      const { version } = params as z.output<typeof VersionParams>;
      const s = g.registry().registry;
      if (!isKnownVersion(s, version)) throw new NotFoundError(`model version ${version}`);
      const a = artifactOfVersion(s, version);
      if (!a) throw new UnprocessableError('version', `a version with a model artifact (v${version} has none: its run failed)`, version);
      const path = await g.artifactFile(a.uri).catch((err: unknown) => {
        // recorded but not readable from model.artifacts (a truncated or foreign log): the registry knows it, the log cannot give it now
        if (err instanceof AppError && err.code === 'NOT_FOUND') throw new HttpError(503, 'ARTIFACT_UNAVAILABLE', `the artifact of v${version} cannot be read: ${err.message}`, { headers: { 'retry-after': '5' }, retriable: true });
        throw err;
      });
      ctx.type = 'application/octet-stream';
      ctx.set('content-disposition', `attachment; filename="model-v${version}-${a.sha256.slice(0, 12)}.onnx"`);
      ctx.set('x-artifact-sha256', a.sha256);
      return createReadStream(path);
    },
  );
}

/** POST /v1/models/:version/annotations: set or remove tags, set the description. */
function annotateRoute(g: RegistryRouteDeps): Route {
  return route(
    {
      method: 'post',
      path: '/v1/models/:version/annotations',
      tag: 'models',
      access: 'write',
      summary: 'Edit the tags and the description of a version (a model.annotations event: tags not named keep their value)',
      params: VersionParams,
      body: AnnotateBody,
      ok: { schema: AnnotationsResponse, description: 'the version\'s tags and description once the event is in the log', status: 202 },
      errors: { 404: 'unknown version', 422: 'the change changes nothing (no setTags, removeTags or description), or the version would carry more tags than allowed' },
    },
    async ({ params, body }, ctx) => {
      const { version } = params as z.output<typeof VersionParams>;
      const b = body as z.output<typeof AnnotateBody>;
      const a = await g.ops.annotate({ version, ...b, by: by(ctx), at: Date.now() });
      return { version, ...a };
    },
  );
}

/** GET /v1/aliases, POST /v1/aliases/:alias and /v1/aliases/:alias/remove. */
function aliasRoutes(g: RegistryRouteDeps): Route[] {
  const list = route(
    {
      method: 'get',
      path: '/v1/aliases',
      tag: 'models',
      access: 'read',
      summary: 'The champion and every alias (challenger, pinned...) with the version it names',
      ok: { schema: AliasesResponse, description: 'aliases sorted by name' },
    },
    () => {
      const s = g.registry().registry;
      const loaded = new Set(g.aliasModels.loadedVersions());
      const serving = g.holder.current?.version;
      const aliases = [...s.aliases].sort(([a], [b]) => (a < b ? -1 : 1)).map(([alias, version]) => ({ alias, version, loaded: loaded.has(version) || serving === version }));
      return { champion: championOf(s)?.version ?? null, aliases, max: MAX_ALIASES };
    },
  );
  const set = route(
    {
      method: 'post',
      path: '/v1/aliases/:alias',
      tag: 'operations',
      access: 'write',
      summary: 'Point an alias at a version (a model.aliases event); predict and forecast answer with it on ?alias=<name>',
      params: AliasParams,
      body: SetAliasBody,
      ok: { schema: AliasChangeResponse, description: 'the change was appended and took effect', status: 202 },
      errors: { 404: 'unknown version', 409: CONFLICT, 422: 'the version has no model artifact, or the registry already holds the most aliases allowed' },
    },
    async ({ params, body }, ctx) => {
      const { alias } = params as z.output<typeof AliasParams>;
      const b = body as z.output<typeof SetAliasBody>;
      const e = await g.ops.alias({ type: 'set-alias', alias, version: b.version, reason: b.reason, by: by(ctx), at: Date.now(), ...(b.expectedVersion === undefined ? {} : { expectedVersion: b.expectedVersion }) });
      return { alias: e.alias, version: e.version, previousVersion: e.previousVersion };
    },
  );
  const remove = route(
    {
      method: 'post',
      path: '/v1/aliases/:alias/remove',
      tag: 'operations',
      access: 'write',
      summary: 'Remove an alias (a model.aliases event naming no version)',
      params: AliasParams,
      body: RemoveAliasBody,
      ok: { schema: AliasChangeResponse, description: 'the removal was appended and took effect', status: 202 },
      errors: { 404: 'no such alias', 409: CONFLICT },
    },
    async ({ params, body }, ctx) => {
      const { alias } = params as z.output<typeof AliasParams>;
      const b = body as z.output<typeof RemoveAliasBody>;
      const e = await g.ops.alias({ type: 'remove-alias', alias, reason: b.reason, by: by(ctx), at: Date.now(), ...(b.expectedVersion === undefined ? {} : { expectedVersion: b.expectedVersion }) });
      return { alias: e.alias, version: e.version, previousVersion: e.previousVersion };
    },
  );
  return [list, set, remove];
}

/** Every route of this file; the compare route comes before /v1/models/:version would match "compare". */
export function registryRoutes(g: RegistryRouteDeps): Route[] {
  return [compareRoute(g), artifactRoute(g), annotateRoute(g), ...aliasRoutes(g)];
}
