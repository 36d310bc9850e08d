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
        description: 'Verifies and uses up one backup code. Callsign has no TOTP: a user without a second factor answers 400.',
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
      schema: { operationId: 'DeleteBackupCode', tags, params: UserParams, response: { 200: UserIdObject, ...errorResponses } },
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
        description: 'Unreserves every second-factor number (the numbers stay) and removes the backup codes.',
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
