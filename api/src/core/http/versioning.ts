import type { NextFunction, Request, Response } from 'express';
import versions from './api-versions.json';
import { badRequest } from './errors.js';

/**
 * Date-named API versions (docs/decisions/0003-api-versioning.md). A request may name one in
 * `Plinth-Version`; without it the current version applies. Every response says which version
 * answered it. `api-versions.json` is also read by scripts/refine-spec.mjs to document the header.
 */
export const API_VERSIONS: readonly string[] = versions.versions;
export const CURRENT_API_VERSION: string = versions.current;

declare module 'express-serve-static-core' {
  interface Request {
    apiVersion: string;
  }
}

export function apiVersion(req: Request, res: Response, next: NextFunction): void {
  const asked = req.get('plinth-version')?.trim();
  if (asked && !API_VERSIONS.includes(asked)) {
    res.setHeader('Plinth-Version', CURRENT_API_VERSION);
    return next(
      badRequest(
        'invalid_api_version',
        `Plinth-Version '${asked}' is not a version of this API. Supported: ${API_VERSIONS.join(', ')} (the current one is ${CURRENT_API_VERSION}).`,
      ),
    );
  }
  req.apiVersion = asked || CURRENT_API_VERSION;
  res.setHeader('Plinth-Version', req.apiVersion);
  next();
}
