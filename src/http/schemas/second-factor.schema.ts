import { Type } from '@sinclair/typebox';
import { StringEnum } from './common.js';

export const VerifyTotpBody = Type.Object(
  {
    code: Type.String({
      maxLength: 64,
      description: 'A backup code. Case, spaces and dashes are ignored. Callsign has no TOTP, so TOTP codes never verify.',
    }),
  },
  { additionalProperties: false },
);

export const TotpVerified = Type.Object(
  {
    verified: Type.Boolean(),
    code_type: StringEnum(['totp', 'backup_code'] as const, { description: 'Always backup_code: Callsign has no TOTP.' }),
  },
  { $id: 'TotpVerified', additionalProperties: false },
);

export const UserIdObject = Type.Object({ user_id: Type.String() }, { $id: 'UserIdObject', additionalProperties: false });
