import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common.js';

export const VerificationOtp = Type.Object(
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

export const VerificationAdmin = Type.Object(
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

export const PhoneNumberParams = Type.Object({ phone_number_id: Type.String() });

export const CreatePhoneNumberBody = Type.Object(
  {
    user_id: Type.String({ description: 'The user who will hold the number.' }),
    phone_number: Type.String({ description: 'International format: + and the country code; spaces, dots, dashes and parentheses are ignored.' }),
    verified: Type.Optional(Nullable(Type.Boolean({ description: 'Create it verified by an administrator (claimed).' }))),
    primary: Type.Optional(Nullable(Type.Boolean({ description: 'Make it the primary number; it must be claimed.' }))),
    reserved_for_second_factor: Type.Optional(
      Nullable(Type.Boolean({ description: 'Reserve it for second factor; it must be verified.' })),
    ),
  },
  { additionalProperties: false },
);

export const UpdatePhoneNumberBody = Type.Object(
  {
    verified: Type.Optional(Nullable(Type.Boolean())),
    primary: Type.Optional(Nullable(Type.Boolean())),
    reserved_for_second_factor: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
