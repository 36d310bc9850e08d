import type { FastifyReply } from 'fastify';

/** Sends a JSON body; every response body leaves through here (the onSend hook in app.ts fixes the exact content type). */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(JSON.stringify(body));
}
