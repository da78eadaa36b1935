// The interactive API reference at /docs: Swagger UI from the swagger-ui-dist
// package, served by the gateway itself (nothing is loaded from a CDN, which also
// works offline), with our own small start script instead of an inline one, so
// the page runs under a strict Content-Security-Policy.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Env, Hono } from 'hono';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Swagger UI draws its icons as data: URIs.
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>sagashop API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/start.js"></script></body>
</html>
`;

const START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

export function installDocs<E extends Env>(app: Hono<E>, openApiPath: string): void {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets: Record<string, { body: string; type: string }> = {
    'swagger-ui.css': { body: readFileSync(join(dist, 'swagger-ui.css'), 'utf8'), type: 'text/css; charset=utf-8' },
    'swagger-ui-bundle.js': { body: readFileSync(join(dist, 'swagger-ui-bundle.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
    'start.js': { body: START.replace('/openapi.json', openApiPath), type: 'text/javascript; charset=utf-8' },
  };
  app.get('/docs', (c) => c.html(PAGE, 200, { 'Content-Security-Policy': CSP }));
  app.get('/docs/:asset', (c) => {
    const asset = assets[c.req.param('asset')];
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Content-Security-Policy': CSP, 'Cache-Control': 'public, max-age=3600' });
  });
}
