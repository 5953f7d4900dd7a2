import { readdirSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import compression from 'compression';
import express, { type RequestHandler, type Router } from 'express';

/** Files whose names carry a content hash (VitePress's assets, the reference's Scalar bundle) never change. */
const HASHED = /^\/(assets\/.+|reference\/scalar)\.[\w-]{8}\.(js|css|woff2)$/;

/**
 * The developer portal at /portal: the static site `npm run build:portal` writes to
 * developer-portal/dist (VitePress pages served without `.html`, so that a problem's `type`,
 * `/portal/errors/<code>`, resolves). Compressed here and only here: the API's own responses are
 * not (they mix secrets with attacker-influenced input, the BREACH pattern). The largest files (the
 * reference's 3.5 MB Scalar bundle, about 0.8 MB in brotli) come compressed from the build; the
 * rest is compressed as it is sent.
 */
export function portalRoutes(dir: string): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    // The pages' links are absolute; /portal/ is the canonical address of the home page.
    if (req.originalUrl === '/portal') return res.redirect(301, '/portal/');
    res.setHeader('Cache-Control', HASHED.test(req.path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    next();
  });
  router.use(precompressed(dir));
  router.use(compression());
  router.use(express.static(dir, { index: 'index.html', extensions: ['html'], fallthrough: true }));
  // Any other page: the portal's own "not found" page (with its search), as a 404.
  router.get('/{*path}', (_req, res, next) => {
    res.status(404).sendFile(join(dir, '404.html'), { headers: { 'Cache-Control': 'no-store' } }, (err) => err && next(err));
  });
  return router;
}

/**
 * Sends `<file>.br` or `<file>.gz`, which the build writes beside its largest files, to a client that
 * accepts that encoding. Only files listed when the portal is mounted are candidates, so no request
 * path ever reaches the file system here; a listed file gone since (a rebuild) falls through to the
 * uncompressed one.
 */
function precompressed(dir: string): RequestHandler {
  let files: string[] = [];
  try {
    files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    // Being replaced by a build right now: everything is compressed as it is sent instead.
  }
  const listed = new Set(files.filter((f) => f.endsWith('.br') || f.endsWith('.gz')).map((f) => `/${f.split(sep).join('/')}`));
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Brotli whenever it is accepted (browsers list gzip first, with the same weight).
    const encoding = req.acceptsEncodings('br') === 'br' ? 'br' : req.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : undefined;
    const file = `${req.path}.${encoding === 'br' ? 'br' : 'gz'}`;
    if (!encoding || !listed.has(file)) return next();
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Content-Encoding', encoding);
    res.type(extname(req.path));
    res.sendFile(join(dir, file), (err) => {
      if (!err) return;
      if (res.headersSent) return next(err);
      res.removeHeader('Content-Encoding');
      next();
    });
  };
}
