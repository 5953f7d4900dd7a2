import { loadSpec } from '../src/core/spec';
import { createAjv, openApiToJsonSchema } from './support/contract';

/**
 * The contract's own quality: every operation has a summary, a description, a request example (when
 * it takes a body) and a response example for each JSON success response, and every example is valid
 * against its schema. (Responses the tests produce are validated against the contract by the harness.)
 */
type Media = { schema?: unknown; example?: unknown };
type Op = {
  operationId: string;
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};
const spec = loadSpec();
const ops = Object.values(spec.paths as Record<string, Record<string, Op>>).flatMap((o) => Object.values(o));

it('documents every operation with a summary, a description and examples', () => {
  const missing: string[] = [];
  let examples = 0;
  for (const op of ops) {
    if (!op.summary) missing.push(`${op.operationId}: no summary`);
    if (!op.description) missing.push(`${op.operationId}: no description`);
    const body = op.requestBody?.content['application/json'];
    if (body && body.example === undefined) missing.push(`${op.operationId}: no request example`);
    for (const [status, response] of Object.entries(op.responses)) {
      const json = response.content?.['application/json'];
      if (Number(status) < 300 && json && json.example === undefined) missing.push(`${op.operationId}: no ${status} example`);
      if (json?.example !== undefined) examples += 1;
    }
    if (body?.example !== undefined) examples += 1;
  }
  expect(missing).toEqual([]);
  expect(examples).toBeGreaterThanOrEqual(ops.length);
});

it('gives examples that are valid against their own schemas', () => {
  const ajv = createAjv();
  const components = openApiToJsonSchema(spec.components);
  const invalid: string[] = [];
  for (const op of ops) {
    const media: [string, Media | undefined][] = [
      ['request', op.requestBody?.content['application/json']],
      ...Object.entries(op.responses).map(([status, r]): [string, Media | undefined] => [status, r.content?.['application/json']]),
    ];
    for (const [where, m] of media) {
      if (!m?.schema || m.example === undefined) continue;
      const validate = ajv.compile({ components, allOf: [openApiToJsonSchema(m.schema)] });
      if (!validate(m.example)) invalid.push(`${op.operationId} ${where}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  expect(invalid).toEqual([]);
});
