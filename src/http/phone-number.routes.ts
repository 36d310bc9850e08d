import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PhoneNumberService } from '../service/phone-number.service.js';
import { ClerkErrors, DeletedObject } from './schemas/common.js';
import { CreatePhoneNumberBody, PhoneNumber, PhoneNumberParams, UpdatePhoneNumberBody } from './schemas/phone-number.schema.js';
import { sendJson } from './json-reply.js';
import { phoneNumberJson } from './serialize.js';

const tags = ['Phone Numbers'];
const errorResponses = { '4xx': ClerkErrors };

export function registerPhoneNumberRoutes(app: FastifyInstance, phoneNumbers: PhoneNumberService): void {
  app.post<{ Body: Static<typeof CreatePhoneNumberBody> }>(
    '/v1/phone_numbers',
    {
      schema: { operationId: 'CreatePhoneNumber', tags, body: CreatePhoneNumberBody, response: { 200: PhoneNumber, ...errorResponses } },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await phoneNumbers.create({
        userId: body.user_id,
        phoneNumber: body.phone_number,
        verified: body.verified ?? undefined,
        primary: body.primary ?? undefined,
        reservedForSecondFactor: body.reserved_for_second_factor ?? undefined,
      });
      return sendJson(reply, 200, phoneNumberJson(result.phoneNumber, result.backupCodes));
    },
  );

  app.get<{ Params: Static<typeof PhoneNumberParams> }>(
    '/v1/phone_numbers/:phone_number_id',
    { schema: { operationId: 'GetPhoneNumber', tags, params: PhoneNumberParams, response: { 200: PhoneNumber, ...errorResponses } } },
    async (request, reply) => sendJson(reply, 200, phoneNumberJson(await phoneNumbers.get(request.params.phone_number_id))),
  );

  app.patch<{ Params: Static<typeof PhoneNumberParams>; Body: Static<typeof UpdatePhoneNumberBody> }>(
    '/v1/phone_numbers/:phone_number_id',
    {
      schema: {
        operationId: 'UpdatePhoneNumber',
        tags,
        params: PhoneNumberParams,
        body: UpdatePhoneNumberBody,
        response: { 200: PhoneNumber, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await phoneNumbers.update(request.params.phone_number_id, {
        verified: body.verified ?? undefined,
        primary: body.primary ?? undefined,
        reservedForSecondFactor: body.reserved_for_second_factor ?? undefined,
      });
      return sendJson(reply, 200, phoneNumberJson(result.phoneNumber, result.backupCodes));
    },
  );

  app.delete<{ Params: Static<typeof PhoneNumberParams> }>(
    '/v1/phone_numbers/:phone_number_id',
    { schema: { operationId: 'DeletePhoneNumber', tags, params: PhoneNumberParams, response: { 200: DeletedObject, ...errorResponses } } },
    async (request, reply) => sendJson(reply, 200, await phoneNumbers.delete(request.params.phone_number_id)),
  );
}
