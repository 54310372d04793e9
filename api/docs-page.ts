import { Router } from 'express';

/** Redoc's self-contained bundle from its npm package: the page works offline, no CDN. */
const REDOC_BUNDLE = require.resolve('redoc/bundles/redoc.standalone.js');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Booking orchestrator API</title>
</head>
<body>
  <redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
  <noscript>This reference needs JavaScript; the document itself is <a href="/openapi.json">/openapi.json</a>.</noscript>
  <script src="/docs/redoc.standalone.js"></script>
</body>
</html>
`;

/** GET /docs: the API reference rendered from /openapi.json. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/redoc.standalone.js', (_req, res) => {
    res.type('application/javascript').set('cache-control', 'public, max-age=86400').sendFile(REDOC_BUNDLE);
  });
  return router;
}
