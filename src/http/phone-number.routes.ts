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
      schema: {
        operationId: 'CreatePhoneNumber',
        tags,
        summary: 'Create a phone number',
        description: [
          'Create a new phone number for a user. It is normalized to E.164 and created unverified unless `verified` is true.',
          '',
          'A claimed (verified) number has one owner: another user holding the number claimed, or this user holding it already, ' +
            'is 422 form_identifier_exists. Several users may hold the same unverified number; when one claims it, the ' +
            "others' unverified copies are removed. The user's first claimed phone number becomes primary by itself. " +
            'When it turns the user\'s MFA on, the answer carries ten backup codes in `backup_codes`, this once.',
        ].join('\n'),
        body: CreatePhoneNumberBody,
        response: { 200: PhoneNumber, ...errorResponses },
      },
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
    {
      schema: {
        operationId: 'GetPhoneNumber',
        tags,
        summary: 'Retrieve a phone number',
        description:
          'Returns the details of a phone number, with its verification (`verification_otp` after a code, `verification_admin` ' +
          'when an administrator verified it, or null). `backup_codes` is null: backup codes are shown only in the answer that issued them.',
        params: PhoneNumberParams,
        response: { 200: PhoneNumber, ...errorResponses },
      },
    },
    async (request, reply) => sendJson(reply, 200, phoneNumberJson(await phoneNumbers.get(request.params.phone_number_id))),
  );

  app.patch<{ Params: Static<typeof PhoneNumberParams>; Body: Static<typeof UpdatePhoneNumberBody> }>(
    '/v1/phone_numbers/:phone_number_id',
    {
      schema: {
        operationId: 'UpdatePhoneNumber',
        tags,
        summary: 'Update a phone number',
        description: [
          'Updates a phone number: verify or unverify it as an administrator, make it primary, reserve it for second factor or not. ' +
            'Fields left out (or null) are unchanged.',
          '',
          'Unverifying or unreserving the primary or the default second factor promotes the oldest remaining one. ' +
            "When the change turns the user's MFA on, the answer carries ten backup codes in `backup_codes`, this once; " +
            'when it removes the last second factor, the backup codes go with it.',
        ].join('\n'),
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
    {
      schema: {
        operationId: 'DeletePhoneNumber',
        tags,
        summary: 'Delete a phone number',
        description:
          'Delete the phone number with the given ID. If it was the primary or the default second factor, the oldest remaining ' +
          'claimed (or second-factor) number takes its place; if it was the last second factor, the backup codes go too. ' +
          'Answers a DeletedObject: `{object: "phone_number", id, deleted: true}`.',
        params: PhoneNumberParams,
        response: { 200: DeletedObject, ...errorResponses },
      },
    },
    async (request, reply) => sendJson(reply, 200, await phoneNumbers.delete(request.params.phone_number_id)),
  );
}
