import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/*
 * Two validators: query strings and path params arrive as text, so they are coerced
 * ("?limit=10" → 10); JSON bodies are not, so `{"maxConnections":"2"}` is rejected as a wrong
 * type instead of being silently accepted. Neither removes unknown properties: a schema with
 * `additionalProperties: false` rejects them with 400.
 */
const common = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false } as const;
const coercing = new Ajv({ ...common, coerceTypes: 'array' });
const exact = new Ajv({ ...common, coerceTypes: false });

/** Fastify validator compiler: exact for bodies, coercing for params, query and headers. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? exact : coercing;
  return ajv.compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
};
