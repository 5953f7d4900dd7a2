// Completes what tsoa cannot express in openapi/openapi.json, after it writes the file:
//   - errors are documented as application/problem+json (what the server sends), not application/json;
//   - the responses every operation can get from the shared middleware, before its controller runs:
//     400/413/415/422 for a request body, 401/403/404/429 for credentials, Plinth-Tenant and limits;
//   - the Plinth-Version request header and response header (api/src/core/http/api-versions.json).
// The routes are generated separately, so this changes the contract's documentation only.
import { readFileSync, writeFileSync } from 'node:fs';

const problem = (description) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const BODY = {
  400: 'Malformed JSON',
  413: 'The body is larger than BODY_LIMIT',
  415: 'The body is not application/json',
  422: 'Invalid fields',
};
const AUTHENTICATED = {
  401: 'Missing or invalid credentials',
  403: 'Missing permission, or the tenant is suspended',
  404: 'No such object, or Plinth-Tenant names a tenant outside yours',
};
const ALWAYS = { 429: 'Rate limited (see Retry-After)' };

export function refineSpec(file, versionsFile) {
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const { versions, current } = JSON.parse(readFileSync(versionsFile, 'utf8'));
  spec.components.parameters = {
    PlinthVersion: {
      name: 'Plinth-Version',
      in: 'header',
      required: false,
      description: `The API version (a date) the request is written against; without it, the current version (${current}) answers. An unknown version is a 400.`,
      schema: { type: 'string', enum: versions, default: current, example: current },
    },
  };
  spec.components.headers = {
    PlinthVersion: { description: 'The API version that answered.', schema: { type: 'string', example: current } },
    RequestId: { description: 'Quote it to support.', schema: { type: 'string', example: 'req_01JDA4Y7Q5X3M8N2P6R9T0V1W2' } },
  };
  spec.info['x-plinth-api-versions'] = versions;
  for (const ops of Object.values(spec.paths)) {
    for (const op of Object.values(ops)) {
      op.parameters = [
        ...(op.parameters ?? []).filter((p) => p.$ref !== '#/components/parameters/PlinthVersion'),
        { $ref: '#/components/parameters/PlinthVersion' },
      ];
      const responses = (op.responses ??= {});
      const add = (table) => {
        for (const [status, description] of Object.entries(table)) responses[status] ??= problem(description);
      };
      if (op.requestBody) add(BODY);
      if (op.security?.length) add(AUTHENTICATED);
      add(ALWAYS);
      for (const [status, response] of Object.entries(responses)) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json) {
          delete response.content['application/json'];
          response.content['application/problem+json'] = json;
        }
      }
      for (const response of Object.values(responses)) {
        response.headers = { 'Plinth-Version': { $ref: '#/components/headers/PlinthVersion' }, 'Request-Id': { $ref: '#/components/headers/RequestId' } };
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  writeFileSync(file, JSON.stringify(spec, null, '\t') + '\n');
}
