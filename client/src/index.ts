/**
 * `@callsign/client`: the typed client for Callsign, which also talks to the
 * phone-number and user part of Clerk's Backend API.
 * @packageDocumentation
 */
export { Callsign, DEFAULT_BASE_URL, type CallsignOptions } from './callsign.js';
export { CallsignApiError, CallsignConnectionError, CallsignDecodeError, type ClerkApiErrorEntry } from './errors.js';
export type { FetchLike } from './transport.js';
export type {
  CreateUserParams,
  IdentificationStatus,
  ListUsersParams,
  UpdateUserParams,
  UserFilter,
  UserMetadataParams,
  UserOrderBy,
  UsersApi,
} from './users-api.js';
export type { CreatePhoneNumberParams, PhoneNumbersApi, ReplacePhoneNumberParams, UpdatePhoneNumberParams } from './phone-numbers-api.js';
export type { DevApi, ListSmsMessagesParams } from './dev-api.js';
export type {
  AdminStatus,
  AdminStrategy,
  DeletedObject,
  IdentificationLink,
  Metadata,
  OTPStatus,
  OTPStrategy,
  Page,
  PhoneNumber,
  PhoneNumberAdmin,
  PhoneNumberOTP,
  PhoneNumberVerification,
  SmsMessage,
  TotalCount,
  TotpVerification,
  User,
  UserIdObject,
  VerificationResponse,
} from './models.js';
