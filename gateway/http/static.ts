import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * Serves the built dashboard (web/dist) for GET requests outside the API.
 * Hashed assets are cached for a year; index.html never, so a rebuilt
 * dashboard shows up on the next load. Unknown paths fall back to index.html
 * (client-side views). When the build is missing it says how to make one.
 */
export function serveDashboard(dir: string, apiPrefixes: readonly string[]) {
  const root = normalize(dir + sep);
  return async (ctx: Context, next: Next): Promise<void> => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || apiPrefixes.some((p) => ctx.path.startsWith(p))) return next();
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = `<!doctype html><title>dashboard not built</title><p>The dashboard has not been built yet (no web/dist/index.html).</p>
<p>Build it with <code>npx vite build web</code> (gateway/main.ts does this on start), then reload. The API works meanwhile: <a href="/docs">/docs</a>.</p>`;
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      ctx.status = 400;
      ctx.body = { error: { code: 'BAD_PATH', message: 'path: expected valid percent-encoding' } };
      return;
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      ctx.status = 404;
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(ctx.path) !== '') return next();
      file = index;
    }
    const hashed = file.includes(`${sep}assets${sep}`);
    ctx.set('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.length = statSync(file).size;
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
  };
}
