/**
 * The interactive API reference at /docs: Swagger UI, served from the
 * swagger-ui-dist package in node_modules (works offline), on the generated
 * /openapi.json, with try-it-out, the Authorize button for the bearer token
 * (kept for the page's life, never in localStorage) and the operation filter. No inline script, so a
 * strict Content-Security-Policy in front of the gateway does not break it.
 * The script-free page generated from the same document stays at
 * /docs/reference.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Router from '@koa/router';
import { REFERENCE_CSP } from '../http/security-headers.js';

const require = createRequire(import.meta.url);
/** The package's own folder (its main module exports getAbsoluteFSPath). */
const DIST = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

/** The only files served from the package, with their content types. */
const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Weekly sales forecasting API</title>
<link rel="icon" href="/docs/ui/favicon-32x32.png">
<link rel="stylesheet" href="/docs/ui/swagger-ui.css">
</head>
<body>
<noscript><p>The interactive reference needs JavaScript; the same document without scripts is at <a href="/docs/reference">/docs/reference</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="/docs/ui/swagger-ui-bundle.js"></script>
<script src="/docs/ui/init.js"></script>
</body>
</html>
`;
}

function init(openapiPath: string): string {
  return `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(openapiPath)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  filter: true,
  tryItOutEnabled: false,
  // the token lives in this page's memory only: persisting it would put it in localStorage for good
  persistAuthorization: false,
  displayRequestDuration: true,
  docExpansion: 'list',
});
`;
}

/** Mounts /docs (the interactive reference), /docs/ui/* (its assets) and /docs/reference (the script-free page). */
export function mountDocs(router: Router, openapiPath: string, referenceHtml: string): void {
  const html = page();
  const initJs = init(openapiPath);
  const cache = new Map<string, Buffer>();
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  });
  router.get('/docs/reference', (ctx) => {
    ctx.set('content-security-policy', REFERENCE_CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = referenceHtml;
  });
  router.get('/docs/ui/init.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = initJs;
  });
  router.get('/docs/ui/:file', (ctx) => {
    const file = ctx.params.file!;
    const type = FILES[file];
    if (!type) {
      ctx.status = 404;
      ctx.body = { error: { code: 'NOT_FOUND', message: `no docs asset ${file}` } };
      return;
    }
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readFileSync(join(DIST, file));
      cache.set(file, bytes);
    }
    ctx.type = type;
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = bytes;
  });
}
