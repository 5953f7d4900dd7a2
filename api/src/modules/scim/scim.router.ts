import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { jsonBody } from '../../core/http/input.js';
import { toApiError } from '../../core/http/problem.js';
import { ERROR, ScimError, paging, resourceTypes, serviceProviderConfig, type Json } from './scim.protocol.js';
import type { ScimScope, ScimService } from './scim.service.js';

type Work = (s: ScimScope, req: Request) => Promise<Json | void>;
type Route = [method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, status: number, work: Work];

/**
 * The SCIM 2.0 endpoint, `/scim/v2`: it speaks its own media type, authentication (a SCIM token) and
 * error format, so it is an Express router beside the tsoa API. Each route is one use case of the
 * SCIM services, run in the tenant of the request's token.
 */
export function scimRouter(scim: ScimService, publicUrl: string | undefined): Router {
  const router = express.Router();
  router.use(jsonBody({ types: ['application/scim+json', 'application/json'], limit: 1024 * 1024 }));
  const handle = handler(scim);
  for (const [method, path, status, work] of routes(scim, serviceProviderConfig(publicUrl))) router[method](path, handle(status, work));
  router.use((req, _res, next) => next(new ScimError(404, `No SCIM endpoint ${req.method} ${req.path}.`)));
  router.use(scimErrors);
  return router;
}

const id = (req: Request) => String(req.params.id);
const withMembers = (req: Request) => !String(req.query.excludedAttributes ?? '').includes('members');

function routes({ users, groups }: ScimService, config: Json): Route[] {
  return [
    ['get', '/Users', 200, (s, req) => users.list(s, { filter: req.query.filter, ...paging(req.query) })],
    ['post', '/Users', 201, (s, req) => users.create(s, req.body as Json)],
    ['get', '/Users/:id', 200, (s, req) => users.get(s, id(req))],
    ['put', '/Users/:id', 200, (s, req) => users.replace(s, id(req), req.body as Json)],
    ['patch', '/Users/:id', 200, (s, req) => users.patch(s, id(req), req.body)],
    ['delete', '/Users/:id', 204, (s, req) => users.remove(s, id(req))],
    ['get', '/Groups', 200, (s, req) => groups.list(s, { filter: req.query.filter, withMembers: withMembers(req), ...paging(req.query) })],
    ['post', '/Groups', 201, (s, req) => groups.create(s, req.body as Json)],
    ['get', '/Groups/:id', 200, (s, req) => groups.get(s, id(req), withMembers(req))],
    ['put', '/Groups/:id', 200, (s, req) => groups.replace(s, id(req), req.body as Json)],
    ['patch', '/Groups/:id', 200, (s, req) => groups.patch(s, id(req), req.body)],
    ['delete', '/Groups/:id', 204, (s, req) => groups.remove(s, id(req))],
    // Discovery, behind the token like the rest.
    ['get', '/ServiceProviderConfig', 200, async () => config],
    ['get', '/ResourceTypes', 200, async () => resourceTypes],
  ];
}

/** Bearer SCIM token -> its tenant, the use case in one transaction there, the answer as `application/scim+json`. */
function handler(scim: ScimService) {
  return (status: number, work: Work): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!token) throw new ScimError(401, 'Send the SCIM token as "Authorization: Bearer <token>" (POST /v1/sso/scim-tokens).');
        const request = { requestId: req.id, ip: req.ip, userAgent: req.get('user-agent') };
        const body = await scim.inTenantOfToken(token, request, (s) => work(s, req));
        res.status(status).type('application/scim+json');
        if (body) res.send(JSON.stringify(body));
        else res.end();
      } catch (err) {
        next(err);
      }
    };
}

/** SCIM clients expect SCIM errors: RFC 7644's shape, with Plinth's problem fields beside it. */
function scimErrors(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  let e = err instanceof ScimError ? err : undefined;
  const known = e ? undefined : toApiError(err);
  if (known?.status === 429) e = new ScimError(429, 'Too many SCIM requests; slow down.');
  else if (known) e = new ScimError(known.status, known.message, known.status === 400 ? 'invalidSyntax' : undefined);
  for (const [name, value] of Object.entries(known?.extra.headers ?? {})) res.setHeader(name, value);
  if (!e) {
    req.log.error({ err }, 'unhandled SCIM error');
    e = new ScimError(500, 'Something went wrong on our side. Quote the request id to support.');
  }
  res
    .status(e.status)
    .type('application/scim+json')
    .send(
      JSON.stringify({ schemas: [ERROR], status: String(e.status), ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.message, request_id: req.id }),
    );
}
