import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SecondFactorService } from '../service/second-factor.service.js';
import { ClerkErrors } from './schemas/common.js';
import { TotpVerified, UserIdObject, VerifyTotpBody } from './schemas/second-factor.schema.js';
import { UserParams } from './schemas/user.schema.js';
import { sendJson } from './json-reply.js';

const tags = ['Users'];
const errorResponses = { '4xx': ClerkErrors };

/** Rule 6: verify_totp with backup codes, and removing codes or every second factor. */
export function registerSecondFactorRoutes(app: FastifyInstance, secondFactor: SecondFactorService): void {
  app.post<{ Params: Static<typeof UserParams>; Body: Static<typeof VerifyTotpBody> }>(
    '/v1/users/:user_id/verify_totp',
    {
      schema: {
        operationId: 'VerifyTOTP',
        tags,
        summary: 'Verify a backup code for a user',
        description: [
          'Verify that the provided backup code is valid for the user. Verifying a backup code consumes it (it becomes invalid). ' +
            'Useful for custom auth flows and re-verification.',
          '',
          'Callsign has no TOTP: this checks backup codes only. A wrong, malformed or used code is 422 form_code_incorrect ' +
            '(one answer for all three); a user without a second-factor phone number is 400 second_factor_not_enabled.',
        ].join('\n'),
        params: UserParams,
        body: VerifyTotpBody,
        response: { 200: TotpVerified, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await secondFactor.verifyTotp(request.params.user_id, request.body.code);
      return sendJson(reply, 200, { verified: result.verified, code_type: result.codeType });
    },
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:user_id/backup_code',
    {
      schema: {
        operationId: 'DeleteBackupCode',
        tags,
        summary: "Disable all of a user's backup codes",
        description:
          "Disable all of a user's backup codes. The second factors stay; the user has no backup codes until MFA is turned " +
          'off and on again. Answers `{user_id}`.',
        params: UserParams,
        response: { 200: UserIdObject, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { userId } = await secondFactor.deleteBackupCodes(request.params.user_id);
      return sendJson(reply, 200, { user_id: userId });
    },
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:user_id/mfa',
    {
      schema: {
        operationId: 'DisableMFA',
        tags,
        summary: "Disable a user's MFA methods",
        description:
          "Disable all of a user's MFA methods at once: every phone number reserved for second factor is unreserved (the " +
          'numbers stay, verified, and the primary does not change) and the backup codes are removed. Answers `{user_id}`.',
        params: UserParams,
        response: { 200: UserIdObject, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { userId } = await secondFactor.disableMfa(request.params.user_id);
      return sendJson(reply, 200, { user_id: userId });
    },
  );
}
