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
    /** Seconds the client should wait before retrying (429 only). */
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
  notFound: (what = 'Resource', paramName?: string): CallsignError =>
    new CallsignError('resource_not_found', 404, 'not found', `${what} not found`, paramName),
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
  requestBodyTooLarge: (limitBytes: number): CallsignError =>
    new CallsignError('request_body_too_large', 413, 'Request body too large', `The request body must be at most ${limitBytes} bytes.`),
  verificationAlreadyVerified: (): CallsignError =>
    new CallsignError('verification_already_verified', 400, 'This verification has already been verified.', 'This verification has already been verified.'),
  tooManyRequests: (retryAfterSeconds: number, longMessage: string): CallsignError =>
    new CallsignError('too_many_requests', 429, 'Too many requests', longMessage, undefined, retryAfterSeconds),
  unavailable: (longMessage: string): CallsignError =>
    new CallsignError('service_unavailable', 503, 'Service unavailable', longMessage),
  internal: (): CallsignError =>
    new CallsignError('internal_clerk_error', 500, 'Oops, an unexpected error occurred', 'There was an internal error on our servers. It has been logged; please retry.'),
} as const;
