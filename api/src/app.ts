import { join } from 'node:path';
import express, { type Express } from 'express';
import { authenticate } from './core/auth/authentication.js';
import type { Deps } from './core/deps.js';
import { idempotency } from './core/http/idempotency.js';
import { notFoundHandler, problemHandler, problemType, requireJson } from './core/http/problem.js';
import type { Registry } from './core/module.js';
import { requestContext, securityHeaders } from './core/http/request-context.js';
import { apiVersion } from './core/http/versioning.js';
import { cors } from './core/http/cors.js';
import { checkUrlEncoding, jsonBody } from './core/http/input.js';
import { RegisterRoutes } from './generated/routes.js';
import { registry, type Services } from './modules/index.js';
import { findInRepo, loadSpec } from './core/spec.js';
import { portalRoutes } from './core/http/portal.js';
import { notFound } from './core/http/errors.js';
import { outboxRoutes } from './core/http/outbox-routes.js';

export { loadSpec };

/** Builds the HTTP app from its dependencies without listening (tests build their own). */
export function createApp(deps: Deps): { app: Express; services: Services } {
  if (deps.registry !== registry) throw new Error('createApp: deps were built from another module registry');
  const services = deps.registry.createServices(deps) as Services;
  const app = express();
  app.disable('x-powered-by');
  // Responses are \`Cache-Control: no-store\`: an ETag (a SHA-1 of every body) would buy nothing.
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');
  app.locals.services = services;

  app.use(requestContext(deps.log));
  app.use(securityHeaders);
  app.use(checkUrlEncoding);

  const spec = loadSpec();
  // A browser pointed at the server lands on the developer portal.
  app.get('/', (_req, res) => res.redirect(302, '/portal/'));
  if (deps.outbox) app.use('/dev/outbox', outboxRoutes(deps.outbox, deps.config.publicUrl));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    try {
      await deps.orm.em.fork().execute('select 1');
      res.json({ status: 'ready' });
    } catch (err) {
      req.log.debug({ err: String(err) }, 'database unreachable');
      res
        .status(503)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: problemType('not_ready', deps.config.publicUrl),
            title: 'Service Unavailable',
            status: 503,
            detail: 'The database is unreachable.',
            code: 'not_ready',
            request_id: req.id,
          }),
        );
    }
  });
  mountReference(app, spec);

  app.use('/v1', cors(deps.config.corsAllowedOrigins));
  app.use('/v1', apiVersion);
  mountModuleRouters(app, deps, services);
  app.use(requireJson(formRoutes(deps.registry)));
  app.use(jsonBody({ limit: deps.config.bodyLimit }));
  app.use(authenticate(services.resolveCredential, deps.limits, deps.config.tenantRateLimit));
  app.use(idempotency(deps.orm));

  const router = express.Router();
  RegisterRoutes(router);
  app.use(router);

  app.use(notFoundHandler);
  app.use(problemHandler(deps.config.publicUrl));
  return { app, services };
}

/** Routers modules bring for protocols that are not the JSON API (SCIM, the SAML form post). */
function mountModuleRouters(app: Express, deps: Deps, services: Services): void {
  for (const m of deps.registry.modules) {
    for (const r of m.routers ?? []) {
      const handlers = r.handlers(deps, services);
      if (r.mount === 'use') app.use(r.path, ...handlers);
      else app.post(r.path, ...handlers);
    }
  }
}

/** The JSON-only guard's exceptions: each `post` router's path (`:param` matching one segment) and its media types. */
function formRoutes(registry: Registry) {
  return registry.modules.flatMap((m) =>
    (m.routers ?? []).flatMap((r) =>
      r.mount === 'post' && r.accepts ? [{ pattern: new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`), types: r.accepts }] : [],
    ),
  );
}

/** The contract, Swagger UI at /docs and the developer portal at /portal (when built). */
function mountReference(app: Express, spec: ReturnType<typeof loadSpec>): void {
  app.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  // Swagger UI is loaded with its first page view rather than on every start (~0.1 s of module loading).
  let swagger: Promise<express.Router> | undefined;
  app.use('/docs', (req, res, next) => {
    // Swagger UI needs its inline script and styles; the API itself keeps the strict defaults.
    res.removeHeader('Cache-Control');
    swagger ??= import('swagger-ui-express').then(({ default: ui }) =>
      express.Router().use(ui.serve, ui.setup(spec, { customSiteTitle: 'Plinth API reference' })),
    );
    swagger.then((router) => router(req, res, next), next);
  });
  const portal = findInRepo(join('developer-portal', 'dist'));
  if (portal) {
    app.use('/portal', portalRoutes(portal));
  } else {
    app.use('/portal', (req, _res, next) => next(notFound('developer portal (build it with npm run build:portal)')));
  }
}
