/**
 * The one catalogue of errors Callsign answers with. Each carries Clerk's code,
 * the HTTP status and, where a parameter is at fault, its name; the HTTP layer
 * turns them into a ClerkErrors body in one place.
 */
export class CallsignError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly longMessage: string,
    readonly paramName?: string,
    /** Seconds the client should wait before retrying (429 and 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'CallsignError';
  }
}

export const errors = {
  authenticationInvalid: (): CallsignError =>
    new CallsignError(
      'authentication_invalid',
      401,
      'Invalid authentication',
      'Unable to authenticate the request, you need to supply an active secret key as `Authorization: Bearer <key>`.',
    ),
  notFound: (what = 'Resource', paramName?: string, longMessage = `${what} not found`): CallsignError =>
    new CallsignError('resource_not_found', 404, 'not found', longMessage, paramName),
  routeNotFound: (method: string, path: string): CallsignError =>
    new CallsignError('resource_not_found', 404, 'not found', `No route ${method} ${path}. See /v1/openapi.json for the routes Callsign serves.`),
  paramMissing: (param: string): CallsignError =>
    new CallsignError('form_param_missing', 422, 'is missing', `${param} must be included.`, param),
  paramFormatInvalid: (param: string, longMessage: string): CallsignError =>
    new CallsignError('form_param_format_invalid', 422, 'is invalid', longMessage, param),
  paramValueInvalid: (param: string, longMessage: string): CallsignError =>
    new CallsignError('form_param_value_invalid', 422, 'is invalid', longMessage, param),
  paramUnknown: (param: string): CallsignError =>
    new CallsignError('form_param_unknown', 422, 'is unknown', `${param} is not a valid parameter for this request.`, param),
  /** A parameter Clerk's API accepts that Callsign deliberately does not implement. */
  paramUnsupported: (param: string): CallsignError =>
    new CallsignError(
      'form_param_unsupported',
      422,
      'is not supported by Callsign',
      `${param} is accepted by Clerk's Backend API but Callsign does not implement it; Callsign keeps users and their phone numbers only.`,
      param,
    ),
  identifierExists: (param = 'phone_number'): CallsignError =>
    new CallsignError(
      'form_identifier_exists',
      422,
      'That phone number is taken. Please try another.',
      'That phone number is taken. Please try another.',
      param,
    ),
  requestBodyInvalid: (longMessage: string): CallsignError =>
    new CallsignError('request_body_invalid', 400, 'Request body invalid', longMessage),
  /** A request the HTTP layer could not take at all (a bad URL, bytes that are not HTTP). */
  requestInvalid: (status: number, longMessage: string): CallsignError =>
    new CallsignError('request_invalid', status, 'Request invalid', longMessage),
  /** The client did not send the whole request (headers, then body) within the server's timeouts. */
  requestTimeout: (): CallsignError =>
    new CallsignError('request_timeout', 408, 'Request timeout', 'The request was not received in time: send the headers and the whole body without pausing. The connection is closed.'),
  /** The request line and headers together exceed what the server reads (16 KiB): usually an over-long URL. */
  requestHeadersTooLarge: (): CallsignError =>
    new CallsignError(
      'request_header_fields_too_large',
      431,
      'Request headers too large',
      'The request line and headers must be at most 16 KiB together; send long filters in fewer, shorter parameters.',
    ),
  requestBodyTooLarge: (limitBytes: number): CallsignError =>
    new CallsignError('request_body_too_large', 413, 'Request body too large', `The request body must be at most ${limitBytes} bytes.`),
  verificationAlreadyVerified: (): CallsignError =>
    new CallsignError('verification_already_verified', 400, 'This verification has already been verified.', 'This verification has already been verified.'),
  /** verify_totp for a user with nothing it could check (the reference's 400). */
  secondFactorNotEnabled: (): CallsignError =>
    new CallsignError(
      'second_factor_not_enabled',
      400,
      'Second factor is not enabled for this user',
      'This user has no phone number reserved for second factor, so there is no backup code to verify. Callsign has no TOTP: verify_totp checks backup codes only.',
    ),
  /** A wrong, malformed or already used code; deliberately one answer for all three. */
  codeIncorrect: (param = 'code'): CallsignError =>
    new CallsignError('form_code_incorrect', 422, 'Incorrect code', 'The code is incorrect or has already been used.', param),
  tooManyRequests: (retryAfterSeconds: number, longMessage: string): CallsignError =>
    new CallsignError('too_many_requests', 429, 'Too many requests', longMessage, undefined, retryAfterSeconds),
  /** Every 503 says when to retry: the condition (a database away, a full disk) is expected to pass. */
  unavailable: (longMessage: string, retryAfterSeconds = 1): CallsignError =>
    new CallsignError('service_unavailable', 503, 'Service unavailable', longMessage, undefined, retryAfterSeconds),
  /** A transaction kept meeting concurrent conflicting changes (serialization failures or deadlocks) and was given up on. */
  databaseBusy: (attempts: number): CallsignError =>
    new CallsignError(
      'service_unavailable',
      503,
      'Service unavailable',
      `The change met concurrent conflicting changes ${attempts} times in a row and was not applied. Retry it.`,
      undefined,
      1,
    ),
  // SMS verification (rules 7–9). Each refusal to send has its own code, so a
  // caller can tell a blocked country from a premium-rate number.
  /** The provider definitively refused the message (Twilio 4xx, webhook 4xx): retrying the same request will not help. */
  smsDeliveryFailed: (reason: string): CallsignError =>
    new CallsignError(
      'sms_delivery_failed',
      422,
      'The verification code could not be sent',
      `The SMS provider refused the message: ${reason}. The code was not delivered and the verification is failed.`,
    ),
  /**
   * The provider failed transiently at the first try and no retry can happen:
   * the code would expire before it, or Callsign is shutting down. Transient,
   * hence 503: a new code prepared later (after `Retry-After`) may well go out.
   */
  smsDeliveryUnavailable: (reason: string, why: 'expired' | 'abandoned', retryAfterSeconds: number): CallsignError =>
    new CallsignError(
      'service_unavailable',
      503,
      'The verification code could not be sent',
      `The SMS provider could not take the message (${reason}), and ${
        why === 'expired' ? 'the code would expire before another try' : 'Callsign is shutting down'
      }. The code was not delivered and the verification is failed; prepare a new code later.`,
      undefined,
      retryAfterSeconds,
    ),
  smsCountryNotAllowed: (country: string): CallsignError =>
    new CallsignError(
      'sms_country_not_allowed',
      422,
      'Codes are not sent to this country',
      `Verification codes are only sent to the countries in SMS_ALLOWED_COUNTRIES, and this phone number is in ${country}.`,
      'phone_number',
    ),
  smsCountryBlocked: (country: string): CallsignError =>
    new CallsignError(
      'sms_country_blocked',
      422,
      'Codes are not sent to this country',
      `Verification codes are not sent to ${country}: it is in SMS_BLOCKED_COUNTRIES.`,
      'phone_number',
    ),
  smsPremiumRate: (): CallsignError =>
    new CallsignError(
      'phone_number_premium_rate',
      422,
      'Codes are not sent to premium-rate numbers',
      'This is a premium-rate phone number; verification codes are never sent to premium-rate numbers.',
      'phone_number',
    ),
  smsSharedCost: (): CallsignError =>
    new CallsignError(
      'phone_number_shared_cost',
      422,
      'Codes are not sent to shared-cost numbers',
      'This is a shared-cost phone number; verification codes are never sent to shared-cost numbers.',
      'phone_number',
    ),
  smsCannotReceive: (type: string): CallsignError =>
    new CallsignError(
      'phone_number_cannot_receive_sms',
      422,
      'This phone number cannot receive SMS',
      `This phone number's type (${type.replace(/_/g, ' ')}) cannot receive text messages, so no verification code can be sent to it.`,
      'phone_number',
    ),
  internal: (): CallsignError =>
    new CallsignError('internal_clerk_error', 500, 'Oops, an unexpected error occurred', 'There was an internal error on our servers. It has been logged; please retry.'),
} as const;
