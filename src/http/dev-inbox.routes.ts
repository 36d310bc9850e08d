import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toE164 } from '../domain/phone.js';
import type { VerificationService } from '../service/verification.service.js';
import { sendJson } from './json-reply.js';
import { ClerkErrors } from './schemas/common.js';
import { SmsMessageList, SmsMessageListQuery } from './schemas/verification.schema.js';
import { smsMessageJson } from './serialize.js';

/**
 * GET /v1/dev/sms_messages: every message Callsign sent or meant to send,
 * newest first, with its delivery outcome. Registered only in development or
 * test mode (a 404 otherwise, like any unknown route); authenticated like
 * every /v1 route. Not part of Clerk's API, so not in the served description.
 */
export function registerDevInboxRoutes(app: FastifyInstance, verifications: VerificationService): void {
  app.get<{ Querystring: Static<typeof SmsMessageListQuery> }>(
    '/v1/dev/sms_messages',
    {
      schema: {
        hide: true,
        operationId: 'ListDevSmsMessages',
        querystring: SmsMessageListQuery,
        response: { 200: SmsMessageList, '4xx': ClerkErrors },
      },
    },
    async (request, reply) => {
      const { phone_number, limit = 50, offset = 0 } = request.query;
      // An unencoded `+` in a query string arrives as a space; a value that is no number matches nothing.
      const to = phone_number === undefined ? undefined : (toE164(phone_number.replace(/^ (?=\d)/, '+')) ?? phone_number);
      const page = await verifications.listMessages({ ...(to === undefined ? {} : { to }), limit, offset });
      return sendJson(reply, 200, { data: page.data.map(smsMessageJson), total_count: page.totalCount });
    },
  );
}
