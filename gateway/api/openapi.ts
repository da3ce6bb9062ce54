import { z } from 'zod';
import type { Route } from './route.js';
import { ErrorResponse } from './schemas.js';

/** Stable URL of the generated OpenAPI document. */
export const OPENAPI_PATH = '/openapi.json';

type Json = Record<string, unknown>;

/**
 * Builds the OpenAPI 3.1 document from the mounted routes' zod schemas
 * (JSON Schema 2020-12 is OpenAPI 3.1's own dialect). Shared shapes with a
 * zod `id` land once under components.schemas and are referenced. Every
 * operation declares its security and the error statuses it can answer;
 * `openReads` (default true) says whether reads need the token.
 */
export function buildOpenApi(routes: readonly Route[], info: { title: string; version: string; description: string }, opts: { openReads?: boolean } = {}): Json {
  const openReads = opts.openReads ?? true;
  const needsToken = (access: Route['spec']['access']) => access === 'write' || (access === 'read' && !openReads);
  const components: Record<string, Json> = {};
  const schemaOf = schemaWriter(components);
  const paths: Record<string, Record<string, Json>> = {};
  for (const { spec } of routes) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    (paths[path] ??= {})[spec.method] = operationOf(spec, path, schemaOf, needsToken(spec.access));
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `the gateway token from config (GATEWAY_TOKEN); required on writes${openReads ? '' : ' and reads'}` } },
    },
  };
}

type SchemaOf = (s: z.ZodType, io: 'input' | 'output') => Json;

/** A zod schema as JSON Schema, its shared shapes (zod `id`) stored in `components` and referenced. */
function schemaWriter(components: Record<string, Json>): SchemaOf {
  return (s, io) => {
    const raw = JSON.stringify(z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }));
    // shared shapes (zod `id`) come back as $defs; in OpenAPI they live under components
    const out = JSON.parse(raw.replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
    const defs = (out.$defs ?? {}) as Record<string, Json>;
    for (const [id, d] of Object.entries(defs)) components[id] = d;
    delete out.$defs;
    delete out.$schema;
    // a root schema with an id is itself a component: keep it there and reference it
    const id = (s.meta() as { id?: string } | undefined)?.id;
    if (id) {
      // zod answers such a root as a $ref to its own $defs entry, already stored above:
      // storing that $ref over it would make the component point at itself
      if (!(id in defs)) components[id] = out;
      return { $ref: `#/components/schemas/${id}` };
    }
    return out;
  };
}

/** One operation of the document: parameters, responses (its errors included), security and body. */
function operationOf(spec: Route['spec'], path: string, schemaOf: SchemaOf, token: boolean): Json {
  const parameters: Json[] = [];
  for (const [where, schema] of [['query', spec.query], ['path', spec.params]] as const) {
    if (!schema) continue;
    const obj = schemaOf(schema, 'output');
    const props = (obj.properties ?? {}) as Record<string, Json>;
    const required = new Set((obj.required ?? []) as string[]);
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s;
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), description, schema: rest });
    }
  }
  const responses: Record<string, Json> = {
    [String(spec.ok.status ?? 200)]: {
      description: spec.ok.description,
      content: Object.fromEntries([spec.ok.contentType ?? 'application/json'].flat().map((t) => [t, { schema: schemaOf(spec.ok.schema, 'output') }])),
    },
  };
  const errors = errorsOf(spec, token);
  for (const [status, why] of Object.entries(errors)) {
    responses[status] = { description: why, content: { 'application/json': { schema: schemaOf(ErrorResponse, 'output') } } };
  }
  if (responses['429']) responses['429'].headers = { 'Retry-After': { description: 'seconds to wait', required: true, schema: { type: 'integer', minimum: 1 } } };
  const op: Json = {
    operationId: `${spec.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    parameters: parameters.length > 0 ? parameters : undefined,
    responses,
  };
  // every operation says what it needs: the token, or nothing (an empty list)
  op.security = token ? [{ bearer: [] }] : [];
  if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } };
  return op;
}

/** Every error status an operation can answer, with why: its own, plus those that follow from its spec. */
function errorsOf(spec: Route['spec'], token: boolean): Record<number, string> {
  const errors: Record<number, string> = { ...(spec.errors ?? {}) };
  if (spec.query || spec.params || spec.body) errors[400] ??= 'the request is invalid; `error.details` lists every problem (`field`, `expected`, `got`), the first also as `error.field` and `error.expected`';
  if (token) {
    errors[401] ??= 'no bearer token';
    errors[403] ??= 'wrong bearer token';
  }
  // a write appends to the log: it can find Kafka or the schema registry down
  if (spec.access === 'write') errors[503] ??= 'Kafka or the schema registry unavailable; retry';
  if (spec.body) {
    errors[413] ??= 'body larger than the limit';
    errors[415] ??= 'a body whose content-type is not application/json';
  }
  if (spec.rateLimited) errors[429] ??= 'over the per-client rate limit (GATEWAY_PREDICT_RATE, off by default); `Retry-After` says in how many seconds to retry';
  return errors;
}
