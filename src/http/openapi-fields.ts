import type {} from 'fastify/types/schema.js';
// Route schemas carry the OpenAPI fields the served API description is built
// from; declare them so route definitions type-check.
declare module 'fastify/types/schema.js' {
  interface FastifySchema {
    operationId?: string;
    summary?: string;
    description?: string;
    tags?: readonly string[];
    hide?: boolean;
  }
}
export {};
