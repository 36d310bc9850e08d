import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parsePhoneNumber } from '../domain/phone.js';
import type { VerificationService } from '../service/verification.service.js';
import { sendJson } from './json-reply.js';
import { ClerkErrors } from './schemas/common.js';
import { SmsMessageList, SmsMessageListQuery } from './schemas/verification.schema.js';
import { smsMessageJson } from './serialize.js';

/**
 * GET /v1/dev/sms_messages: every message Callsign sent or meant to send,
 * newest first, with its delivery outcome. Registered only in development or
 * test mode (a 404 otherwise, like any unknown route); authenticated like
 * every /v1 route. Not part of Clerk's API: described under its own tag,
 * Development, in the served description of a server that serves it.
 * A `phone_number` filter that is no possible number is 422
 * form_param_format_invalid naming it, as everywhere numbers are taken, rather
 * than an empty list that would look like "nothing was sent".
 */
export function registerDevInboxRoutes(app: FastifyInstance, verifications: VerificationService): void {
  app.get<{ Querystring: Static<typeof SmsMessageListQuery> }>(
    '/v1/dev/sms_messages',
    {
      schema: {
        operationId: 'ListDevSmsMessages',
        tags: ['Development'],
        summary: 'List the development inbox',
        description: [
          'Every SMS message Callsign sent or meant to send, newest first, with its delivery outcome. Callsign only, not part of ' +
            "Clerk's API: served in development or with test mode on, and a 404 otherwise.",
          '',
          'The text and `code` are kept for the `log` provider and for test-mode numbers only; messages sent through `webhook` or ' +
            '`twilio` are listed with the code masked (`******`). A `phone_number` that is no possible phone number is 422 ' +
            'form_param_format_invalid.',
        ].join('\n'),
        querystring: SmsMessageListQuery,
        response: { 200: SmsMessageList, '4xx': ClerkErrors },
      },
    },
    async (request, reply) => {
      const { phone_number, limit = 50, offset = 0 } = request.query;
      // An unencoded `+` in a query string arrives as a space.
      const to = phone_number === undefined ? undefined : parsePhoneNumber(phone_number.replace(/^ (?=\d)/, '+'), 'phone_number');
      const page = await verifications.listMessages({ ...(to === undefined ? {} : { to }), limit, offset });
      return sendJson(reply, 200, { data: page.data.map(smsMessageJson), total_count: page.totalCount });
    },
  );
}
