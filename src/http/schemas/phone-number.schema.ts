import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common.js';

const VerificationOtp = Type.Object(
  {
    object: Type.Literal('verification_otp'),
    status: StringEnum(['unverified', 'verified', 'failed', 'expired'] as const),
    strategy: Type.Literal('phone_code'),
    attempts: Nullable(Type.Integer()),
    expire_at: Nullable(Type.Integer()),
    channel: Nullable(Type.String()),
  },
  { $id: 'verification_otp', additionalProperties: false },
);

const VerificationAdmin = Type.Object(
  {
    object: Type.Literal('verification_admin'),
    status: Type.Literal('verified'),
    strategy: Type.Literal('admin'),
    attempts: Type.Null(),
    expire_at: Type.Null(),
  },
  { $id: 'verification_admin', additionalProperties: false },
);

export const IdentificationLink = Type.Object(
  { type: Type.String(), id: Type.String() },
  { $id: 'IdentificationLink', additionalProperties: false },
);

export const PhoneNumber = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('phone_number'),
    phone_number: Type.String({ description: 'E.164' }),
    reserved_for_second_factor: Type.Boolean(),
    default_second_factor: Type.Boolean(),
    reserved: Type.Boolean(),
    verification: Type.Union([VerificationOtp, VerificationAdmin, Type.Null()]),
    linked_to: Type.Array(IdentificationLink),
    backup_codes: Nullable(Type.Array(Type.String())),
    created_at: Type.Integer({ description: 'Unix milliseconds' }),
    updated_at: Type.Integer({ description: 'Unix milliseconds' }),
  },
  { $id: 'PhoneNumber', additionalProperties: false },
);

export const PhoneNumberParams = Type.Object({
  phone_number_id: Type.String({ description: 'The ID of the phone number (`idn_…`).' }),
});

export const CreatePhoneNumberBody = Type.Object(
  {
    user_id: Type.String({ description: 'The ID of the user who will hold the phone number.' }),
    phone_number: Type.String({
      description:
        'The new phone number, in international format: `+` and the country code. Spaces, dots, dashes and parentheses are ignored; ' +
        'it is stored and returned in E.164. A number impossible for its country is 422 form_param_format_invalid.',
    }),
    verified: Type.Optional(
      Nullable(
        Type.Boolean({
          description:
            'When true, the phone number is created verified by an administrator (strategy `admin`) and so claimed: ' +
            'no other user may hold it claimed (422 form_identifier_exists), and other users\' unverified copies are removed. ' +
            'Default: false (unverified). `null` is the same as leaving it out.',
        }),
      ),
    ),
    primary: Type.Optional(
      Nullable(
        Type.Boolean({
          description:
            "Create this phone number as the user's primary phone number. It must be claimed (verified): " +
            'true on an unverified number is 422. Default: false, unless it is the first claimed phone number of the user, which becomes primary by itself.',
        }),
      ),
    ),
    reserved_for_second_factor: Type.Optional(
      Nullable(
        Type.Boolean({
          description:
            'Create this phone number as reserved for multi-factor authentication. The phone number must also be verified (422 otherwise). ' +
            'If there are no other reserved second factors, it becomes the default second factor; if this turns the user\'s MFA on, ' +
            'the answer carries ten backup codes in `backup_codes`, this once.',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const UpdatePhoneNumberBody = Type.Object(
  {
    verified: Type.Optional(
      Nullable(
        Type.Boolean({
          description:
            'true: the phone number is marked verified by an administrator (strategy `admin`) and claimed for its user ' +
            '(422 form_identifier_exists if another user holds it claimed). false: it becomes unverified, which unclaims it ' +
            'and unreserves it as a second factor. `null` or left out: unchanged.',
        }),
      ),
    ),
    primary: Type.Optional(
      Nullable(
        Type.Boolean({
          description:
            "true: set this phone number as the primary phone number for the user; it must be claimed. false on the current primary is 422: " +
            'choose another number as primary instead. `null` or left out: unchanged.',
        }),
      ),
    ),
    reserved_for_second_factor: Type.Optional(
      Nullable(
        Type.Boolean({
          description:
            'Set this phone number as reserved for multi-factor authentication (true) or not (false). The phone number must also be verified. ' +
            'If there are no other reserved second factors, it becomes the default second factor; when this turns the user\'s MFA on, ' +
            'the answer carries ten backup codes in `backup_codes`, this once. Unreserving the last one removes the backup codes.',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
