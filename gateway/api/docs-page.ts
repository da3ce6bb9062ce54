/**
 * The human docs page (/docs), rendered on the server from the generated
 * OpenAPI document, so it shows exactly what the validators accept. No
 * script and no external assets: it works offline and behind any proxy.
 */
type Json = Record<string, unknown>;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function schemaText(schema: unknown, components: Record<string, unknown>, depth = 0): string {
  // inline referenced components one level deep so a reader sees the fields, not a pointer
  const resolve = (v: unknown, d: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => resolve(x, d));
    if (v && typeof v === 'object') {
      const o = v as Json;
      if (typeof o.$ref === 'string' && d < 2) {
        const name = o.$ref.split('/').pop()!;
        return resolve(components[name], d + 1);
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x, d)]));
    }
    return v;
  };
  return JSON.stringify(resolve(schema, depth), null, 2);
}

type Schema = Record<string, unknown>;

/** A schema with its top-level $ref followed (the name of the component is kept for display). */
function deref(s: unknown, components: Record<string, unknown>): { schema: Schema; name?: string } {
  const o = (s ?? {}) as Schema;
  if (typeof o.$ref === 'string') {
    const name = o.$ref.split('/').pop()!;
    return { schema: (components[name] ?? {}) as Schema, name };
  }
  return { schema: o };
}

/** Short type text: integer, string, number | null, array of PredictItem... */
function typeText(s: Schema, components: Record<string, unknown>): string {
  const { schema, name } = deref(s, components);
  if (name) return name;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map((x) => typeText(x, components)).join(' | ');
  if (schema.type === 'array') return `array of ${typeText((schema.items ?? {}) as Schema, components)}`;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.enum) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  return String(schema.type ?? 'any');
}

/** Constraints worth reading: ranges, lengths, patterns. */
function constraints(s: Schema): string {
  const out: string[] = [];
  if (s.minimum !== undefined && s.minimum !== -9007199254740991) out.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum !== 9007199254740991) out.push(`<= ${s.maximum}`);
  if (s.minItems !== undefined) out.push(`at least ${s.minItems} items`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.minLength !== undefined) out.push(`length >= ${s.minLength}`);
  if (s.maxLength !== undefined) out.push(`length <= ${s.maxLength}`);
  if (s.pattern !== undefined) out.push(`pattern ${s.pattern}`);
  return out.join(', ');
}

/** A field table per object shape (one per alternative of a union), the raw JSON Schema folded underneath. */
function shapeHtml(s: unknown, components: Record<string, unknown>): string {
  const { schema, name } = deref(s, components);
  const alternatives = Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]) : [schema];
  const tables = alternatives.map((alt) => {
    const { schema: obj, name: altName } = deref(alt, components);
    const props = (obj.properties ?? null) as Record<string, Schema> | null;
    if (!props) return `<p><code>${esc(typeText(alt, components))}</code></p>`;
    const required = new Set((obj.required ?? []) as string[]);
    const rows = Object.entries(props)
      .map(([k, p]) => `<tr><td><code>${esc(k)}</code></td><td>${esc(typeText(p, components))}</td><td>${required.has(k) ? 'yes' : ''}</td><td>${esc(constraints(deref(p, components).schema))}</td><td>${esc(p.description)}</td></tr>`)
      .join('');
    const caption = altName ?? name;
    return `${alternatives.length > 1 ? `<p><b>${esc(caption ?? 'one of')}</b>${obj.additionalProperties === false ? ' (no other fields)' : ''}</p>` : ''}<table><tr><th>field</th><th>type</th><th>required</th><th>constraints</th><th>description</th></tr>${rows}</table>`;
  });
  return `${alternatives.length > 1 ? '<p>One of:</p>' : ''}${tables.join('')}<details><summary>JSON Schema</summary><pre>${esc(schemaText(s, components))}</pre></details>`;
}

/** The HTML of /docs for an OpenAPI document. */
export function renderDocs(doc: Json, openapiPath: string): string {
  const info = doc.info as { title: string; version: string; description: string };
  const components = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []) as Json[];
      const body = (op.requestBody as Json | undefined)?.content as Record<string, { schema: unknown }> | undefined;
      const responses = op.responses as Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
      const secured = Array.isArray(op.security) && op.security.length > 0;
      sections.push(`<section id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>${secured ? ' <span class="lock">bearer token</span>' : ''}</h3>
<p>${esc(op.summary)}</p>${op.description ? `<p class="d">${esc(op.description)}</p>` : ''}
${
  params.length > 0
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params
        .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${esc(p.description)}</td></tr>`)
        .join('')}</table>`
    : ''
}
${body ? `<h4>request body (application/json)</h4>${shapeHtml(body['application/json']?.schema, components)}` : ''}
<details><summary>responses: ${Object.keys(responses).map(esc).join(', ')}</summary>${Object.entries(responses)
        .map(([status, r]) => `<p><b>${esc(status)}</b> ${esc(r.description)}</p>${r.content ? shapeHtml(r.content['application/json']?.schema, components) : ''}`)
        .join('')}</details>
</section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} — API docs</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{margin-bottom:.2rem} code,pre{font:13px ui-monospace,monospace} pre{background:#f4f6fa;padding:.6rem;overflow:auto;border-radius:6px}
section{border-top:1px solid #e3e7ef;padding:.6rem 0} h3{margin:.4rem 0} h4{margin:.6rem 0 .2rem;font-size:14px} .d{color:#555}
.m{display:inline-block;min-width:3.6rem;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f7d5b}.post{background:#2f5f9d}.lock{font-size:12px;background:#fff3cd;border:1px solid #e6d18a;border-radius:4px;padding:1px 6px}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #e3e7ef;padding:3px 8px;text-align:left;font-size:13px}
</style></head><body>
<h1>${esc(info.title)}</h1><p>version ${esc(info.version)} · <a href="${esc(openapiPath)}">OpenAPI 3.1 document</a> · <a href="/">dashboard</a></p>
<p>${esc(info.description)}</p>
${sections.join('\n')}
</body></html>`;
}
