import type { FastifyReply } from 'fastify';

/**
 * Sends a JSON body; every response body leaves through here. The body goes
 * as bytes: Fastify appends "; charset=utf-8" to a string's content type, and
 * the official client compares `Content-Type: application/json` literally.
 */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(body)));
}
