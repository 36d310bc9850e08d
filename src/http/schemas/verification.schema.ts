import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common.js';

/** `_VerificationResponse`: what prepare_verification and attempt_verification answer. */
export const VerificationResponse = Type.Object(
  {
    object: Type.Literal('verification_otp', { description: 'The type of the verification object.' }),
    id: Type.String({ description: 'The ID of the verification (`ver_…`). Pass this to attempt_verification.' }),
    status: StringEnum(['unverified', 'verified', 'failed', 'expired'] as const, {
      description: 'unverified (sent, or a wrong code), verified (the right code), failed (too many wrong codes, or the SMS was refused) or expired.',
    }),
    strategy: Type.Literal('phone_code'),
    attempts: Nullable(Type.Integer({ description: 'Codes checked against this verification, right or wrong.' })),
    expire_at: Nullable(Type.Integer({ description: 'Unix milliseconds after which the code no longer verifies.' })),
    channel: Nullable(Type.String({ description: 'Always sms.' })),
  },
  { $id: 'VerificationResponse', additionalProperties: false },
);

/** prepare_verification takes no parameters; an empty body (or none) is `{}`. */
export const PrepareVerificationBody = Type.Object({}, { additionalProperties: false });

export const AttemptVerificationBody = Type.Object(
  {
    verification_id: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          "The id prepare_verification answered. Without it, the code is checked against the number's current verification: the one its latest prepare_verification made.",
      }),
    ),
    code: Type.String({ maxLength: 32, description: 'The code the person received; spaces and dashes are ignored.' }),
  },
  { additionalProperties: false },
);

export const SmsMessage = Type.Object(
  {
    object: Type.Literal('sms_message'),
    id: Type.String(),
    provider: Type.String({ description: 'log, webhook, twilio, or test_mode (nothing sent).' }),
    to: Type.String({ description: 'E.164' }),
    body: Type.String({ description: 'The text sent. The code is masked unless the provider is log or the number is a test-mode one.' }),
    code: Nullable(Type.String({ description: 'The code, for log and test-mode messages only.' })),
    status: StringEnum(['sending', 'delivered', 'retrying', 'refused', 'expired', 'cancelled', 'abandoned', 'test_mode'] as const),
    attempts: Type.Integer({ description: 'Tries at handing the message to the provider.' }),
    last_error: Nullable(Type.String()),
    provider_message_id: Nullable(Type.String()),
    phone_number_id: Type.String(),
    verification_id: Type.String(),
    next_attempt_at: Nullable(Type.Integer()),
    delivered_at: Nullable(Type.Integer()),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
  },
  { $id: 'SmsMessage', additionalProperties: false },
);

export const SmsMessageList = Type.Object(
  { data: Type.Array(SmsMessage), total_count: Type.Integer() },
  { $id: 'SmsMessageList', additionalProperties: false },
);

export const SmsMessageListQuery = Type.Object(
  {
    phone_number: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          'Only messages to this phone number, in any accepted format (`+` and the country code; encode the `+` as `%2B` in a query string).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'How many messages to return, 1 to 500. Default: 50.' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Skip the first `offset` messages when paginating. Default: 0.' })),
  },
  { additionalProperties: false },
);
