import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.js';
import { allRoutes } from '../app.js';
import type { GatewayContext } from '../context.js';
import { buildOpenApi } from './openapi.js';

// Building the routes reads only the config; handlers are never called here.
const g = { cfg: loadConfig({}) } as unknown as GatewayContext;
const routes = allRoutes(g);
const doc = buildOpenApi(routes, { title: 't', version: '1', description: 'd' }) as {
  paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown; parameters?: { name: string; in: string; required: boolean; description?: string; schema?: unknown }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

describe('OpenAPI generated from the routes', () => {
  it('documents every mounted route exactly once, with its method', () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const mounted = routes.map((r) => `${r.spec.method} ${r.spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    assert.deepEqual(documented.sort(), mounted.sort());
  });

  it('bodies, parameters, security and error responses follow the specs', () => {
    for (const r of routes) {
      const op = doc.paths[r.spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')]![r.spec.method]!;
      assert.equal(Boolean(op.requestBody), Boolean(r.spec.body), `${r.spec.path} body`);
      assert.deepEqual(op.security, r.spec.access === 'write' ? [{ bearer: [] }] : [], `${r.spec.path} security (reads open)`);
      if (r.spec.access === 'write') assert.ok(op.responses['401'] && op.responses['403']);
      if (r.spec.query || r.spec.body) assert.ok(op.responses['400'], `${r.spec.path} documents 400`);
    }
    const promote = doc.paths['/v1/models/{version}/promote']!.post!;
    assert.deepEqual(promote.parameters, [{ name: 'version', in: 'path', required: true, description: 'model version', schema: promote.parameters![0]!.schema }]);
  });

  it('shared shapes live under components and carry every exogenous field', () => {
    const item = doc.components.schemas.PredictItem!;
    for (const f of ['store', 'dept', 'week', 'horizon', 'temperature', 'markdown5', 'unemployment']) assert.ok(item.properties![f], f);
    assert.ok(doc.components.schemas.Prediction && doc.components.schemas.Error);
  });

  it('no component is a reference to itself (a strict validator would recurse forever)', () => {
    for (const [id, c] of Object.entries(doc.components.schemas)) {
      assert.notEqual((c as { $ref?: string }).$ref, `#/components/schemas/${id}`, id);
      assert.equal((c as { type?: string }).type, 'object', `${id} is described in full`);
    }
  });

  it('dates are format: date with the range and the calendar rule stated', () => {
    const week = doc.components.schemas.PredictItem!.properties!.week as { format?: string; pattern?: string; description?: string };
    assert.equal(week.format, 'date');
    const pattern = new RegExp(week.pattern!);
    for (const bad of ['0000-00-00', '2011-13-01', '2011-00-10', '2011-01-32', '1899-12-31']) assert.ok(!pattern.test(bad), bad);
    for (const good of ['1900-01-01', '2011-02-28', '2200-12-31']) assert.ok(pattern.test(good), good);
    assert.match(week.description!, /real calendar date/);
  });

  it('declared bodies are required, and the data-dependent refusals are documented as 422', () => {
    for (const r of routes.filter((x) => x.spec.body)) {
      const op = doc.paths[r.spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')]![r.spec.method]!;
      assert.equal((op.requestBody as { required?: boolean }).required, true, r.spec.path);
    }
    for (const p of ['/v1/predict', '/v1/forecast', '/v1/features']) {
      const op = Object.values(doc.paths[p]!)[0]!;
      assert.ok(op.responses['422'], `${p} documents 422`);
    }
  });

  it('with reads closed, every read declares the bearer token and its 401/403; public routes stay open', () => {
    const closed = buildOpenApi(routes, { title: 't', version: '1', description: 'd' }, { openReads: false }) as typeof doc;
    for (const r of routes) {
      const op = closed.paths[r.spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')]![r.spec.method]!;
      const token = r.spec.access !== 'public';
      assert.deepEqual(op.security, token ? [{ bearer: [] }] : [], r.spec.path);
      assert.equal(Boolean(op.responses['401'] && op.responses['403']), token, `${r.spec.path} 401/403`);
    }
  });

  it('bodies declare 413 and 415; the rate-limited predict declares 429 with Retry-After', () => {
    for (const r of routes.filter((x) => x.spec.body)) {
      const op = doc.paths[r.spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')]![r.spec.method]!;
      assert.ok(op.responses['413'] && op.responses['415'], r.spec.path);
    }
    const tooMany = doc.paths['/v1/predict']!.post!.responses['429'] as { headers?: Record<string, unknown> };
    assert.ok(tooMany?.headers?.['Retry-After']);
  });
});
