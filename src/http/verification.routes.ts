import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { VerificationService } from '../service/verification.service.js';
import { sendJson } from './json-reply.js';
import { ClerkErrors } from './schemas/common.js';
import { PhoneNumberParams } from './schemas/phone-number.schema.js';
import { AttemptVerificationBody, PrepareVerificationBody, VerificationResponse } from './schemas/verification.schema.js';
import { otpVerificationJson } from './serialize.js';

const tags = ['Phone Numbers'];
const errorResponses = { '4xx': ClerkErrors, '5xx': ClerkErrors };

/** POST /v1/phone_numbers/{id}/prepare_verification and /attempt_verification (rule 7). */
export function registerVerificationRoutes(app: FastifyInstance, verifications: VerificationService): void {
  app.post<{ Params: Static<typeof PhoneNumberParams>; Body: Static<typeof PrepareVerificationBody> }>(
    '/v1/phone_numbers/:phone_number_id/prepare_verification',
    {
      schema: {
        operationId: 'PreparePhoneNumberVerification',
        summary: 'Send a verification code to a phone number',
        description:
          'Makes a new one-time code (superseding the previous one), sends it by SMS and answers the pending verification. ' +
          'Limited per number and per secret key (429 with Retry-After); refused with 422 for blocked countries and ' +
          'premium-rate, shared-cost or non-SMS numbers, with 422 sms_delivery_failed when the provider refuses the message, ' +
          'and with 503 service_unavailable when a passing provider failure leaves no time to deliver the code. ' +
          'Test-mode numbers (+1 XXX 555-0100 to 0199) send nothing and accept 424242.',
        tags,
        params: PhoneNumberParams,
        body: PrepareVerificationBody,
        response: { 200: VerificationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const verification = await verifications.prepare(request.params.phone_number_id, { keyId: request.secretKeyId });
      return sendJson(reply, 200, otpVerificationJson(verification));
    },
  );

  app.post<{ Params: Static<typeof PhoneNumberParams>; Body: Static<typeof AttemptVerificationBody> }>(
    '/v1/phone_numbers/:phone_number_id/attempt_verification',
    {
      schema: {
        operationId: 'AttemptPhoneNumberVerification',
        summary: 'Verify a code sent to a phone number',
        description:
          'Checks a code against the verification and answers it with its new status: verified, unverified (wrong code), ' +
          'failed (too many wrong codes) or expired. A verified verification answers 400 verification_already_verified. ' +
          'The right code verifies the number and claims it for its user.',
        tags,
        params: PhoneNumberParams,
        body: AttemptVerificationBody,
        response: { 200: VerificationResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { verification_id, code } = request.body;
      const verification = await verifications.attempt(request.params.phone_number_id, verification_id, code);
      return sendJson(reply, 200, otpVerificationJson(verification));
    },
  );
}
