// Completes what tsoa cannot express in openapi/openapi.json, after it writes the file:
//   - errors are documented as application/problem+json (what the server sends), not application/json;
//   - the responses every operation can get from the shared middleware, before its controller runs:
//     400/413/415/422 for a request body, 401/403/404/429 for credentials, Plinth-Tenant and limits.
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

export function refineSpec(file) {
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  for (const ops of Object.values(spec.paths)) {
    for (const op of Object.values(ops)) {
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
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  writeFileSync(file, JSON.stringify(spec, null, '\t') + '\n');
}
