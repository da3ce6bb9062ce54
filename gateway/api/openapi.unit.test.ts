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
      assert.equal(Boolean(op.security), r.spec.access === 'write', `${r.spec.path} security`);
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
});
