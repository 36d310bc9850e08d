import { arrayOf, boolean, Fields, integer, jsonObject, literal, nullable, openEnum, string, type Decoder } from './decode.js';
import type {
  AdminStatus,
  AdminStrategy,
  DeletedObject,
  IdentificationLink,
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

// Written field by field, like the server's serializers: the wire is Clerk's,
// and a rename here must not silently change what is read.

const nullableString = nullable(string);
const nullableInteger = nullable(integer);
const metadata = jsonObject;
const rawObjects = arrayOf(jsonObject);

/** Keeps only the keys whose value is defined, so absent fields stay absent. */
function defined<T extends object>(value: T): T {
  return Object.freeze(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))) as T;
}

const decodeOtp = (f: Fields): PhoneNumberOTP =>
  defined({
    object: 'verification_otp' as const,
    status: f.required('status', openEnum<OTPStatus>()),
    strategy: f.required('strategy', openEnum<OTPStrategy>()),
    attempts: f.required('attempts', nullableInteger),
    expireAt: f.required('expire_at', nullableInteger),
    channel: f.optional('channel', nullableString),
    verifiedAtClient: f.optional('verified_at_client', nullableString),
  });

const decodeAdmin = (f: Fields): PhoneNumberAdmin =>
  defined({
    object: 'verification_admin' as const,
    status: f.required('status', openEnum<AdminStatus>()),
    strategy: f.required('strategy', openEnum<AdminStrategy>()),
    attempts: f.required('attempts', nullableInteger),
    expireAt: f.required('expire_at', nullableInteger),
    verifiedAtClient: f.optional('verified_at_client', nullableString),
  });

/**
 * `verification_otp` or `verification_admin`, told apart by `object`. Clerk's
 * description leaves `object` optional; without it, strategy `admin` means
 * the admin variant and anything else the OTP one.
 */
export const decodeVerification: Decoder<PhoneNumberVerification> = (value, path) => {
  const f = new Fields(value, path);
  const kind = f.optional('object', literal('verification_otp', 'verification_admin'));
  if (kind === 'verification_admin') return decodeAdmin(f);
  if (kind === 'verification_otp') return decodeOtp(f);
  return f.required('strategy', string) === 'admin' ? decodeAdmin(f) : decodeOtp(f);
};

export const decodeIdentificationLink: Decoder<IdentificationLink> = (value, path) => {
  const f = new Fields(value, path);
  return defined({ type: f.required('type', string), id: f.required('id', string) });
};

export const decodePhoneNumber: Decoder<PhoneNumber> = (value, path) => {
  const f = new Fields(value, path);
  return defined({
    id: f.optional('id', string),
    object: f.required('object', literal('phone_number')),
    phoneNumber: f.required('phone_number', string),
    reservedForSecondFactor: f.optional('reserved_for_second_factor', boolean),
    defaultSecondFactor: f.optional('default_second_factor', boolean),
    reserved: f.required('reserved', boolean),
    verification: f.required('verification', nullable(decodeVerification)),
    linkedTo: f.required('linked_to', arrayOf(decodeIdentificationLink)),
    backupCodes: f.optional('backup_codes', nullable(arrayOf(string))),
    createdAt: f.required('created_at', integer),
    updatedAt: f.required('updated_at', integer),
  });
};

export const decodeUser: Decoder<User> = (value, path) => {
  const f = new Fields(value, path);
  return defined({
    id: f.required('id', string),
    object: f.required('object', literal('user')),
    externalId: f.required('external_id', nullableString),
    primaryEmailAddressId: f.required('primary_email_address_id', nullableString),
    primaryPhoneNumberId: f.required('primary_phone_number_id', nullableString),
    primaryWeb3WalletId: f.required('primary_web3_wallet_id', nullableString),
    username: f.required('username', nullableString),
    firstName: f.required('first_name', nullableString),
    lastName: f.required('last_name', nullableString),
    locale: f.optional('locale', nullableString),
    imageUrl: f.optional('image_url', string),
    hasImage: f.required('has_image', boolean),
    publicMetadata: f.required('public_metadata', metadata),
    privateMetadata: f.optional('private_metadata', nullable(metadata)),
    unsafeMetadata: f.optional('unsafe_metadata', metadata),
    emailAddresses: f.required('email_addresses', rawObjects),
    phoneNumbers: f.required('phone_numbers', arrayOf(decodePhoneNumber)),
    web3Wallets: f.required('web3_wallets', rawObjects),
    passkeys: f.required('passkeys', rawObjects),
    externalAccounts: f.required('external_accounts', rawObjects),
    samlAccounts: f.required('saml_accounts', rawObjects),
    enterpriseAccounts: f.required('enterprise_accounts', rawObjects),
    passwordEnabled: f.required('password_enabled', boolean),
    twoFactorEnabled: f.required('two_factor_enabled', boolean),
    totpEnabled: f.required('totp_enabled', boolean),
    backupCodeEnabled: f.required('backup_code_enabled', boolean),
    mfaEnabledAt: f.required('mfa_enabled_at', nullableInteger),
    mfaDisabledAt: f.required('mfa_disabled_at', nullableInteger),
    lastSignInAt: f.required('last_sign_in_at', nullableInteger),
    banned: f.required('banned', boolean),
    locked: f.required('locked', boolean),
    lockoutExpiresInSeconds: f.required('lockout_expires_in_seconds', nullableInteger),
    verificationAttemptsRemaining: f.required('verification_attempts_remaining', nullableInteger),
    createdAt: f.required('created_at', integer),
    updatedAt: f.required('updated_at', integer),
    deleteSelfEnabled: f.required('delete_self_enabled', boolean),
    createOrganizationEnabled: f.required('create_organization_enabled', boolean),
    lastActiveAt: f.required('last_active_at', nullableInteger),
    legalAcceptedAt: f.required('legal_accepted_at', nullableInteger),
  });
};

export const decodeUsers: Decoder<readonly User[]> = arrayOf(decodeUser);

export const decodeDeletedObject: Decoder<DeletedObject> = (value, path) => {
  const f = new Fields(value, path);
  return defined({ object: f.required('object', string), id: f.optional('id', string), deleted: f.required('deleted', boolean) });
};

/** Clerk's description marks no field of `_VerificationResponse` required; without `id` and `status` it would be useless, so those are. */
export const decodeVerificationResponse: Decoder<VerificationResponse> = (value, path) => {
  const f = new Fields(value, path);
  return defined({
    object: f.nullOrAbsent('object', string) ?? 'verification_otp',
    id: f.required('id', string),
    status: f.required('status', openEnum<OTPStatus>()),
    strategy: f.nullOrAbsent('strategy', openEnum<OTPStrategy>()) ?? 'phone_code',
    attempts: f.nullOrAbsent('attempts', integer),
    expireAt: f.nullOrAbsent('expire_at', integer),
    channel: f.nullOrAbsent('channel', string),
  });
};

export const decodeTotalCount: Decoder<TotalCount> = (value, path) => {
  const f = new Fields(value, path);
  return defined({ object: f.required('object', literal('total_count')), totalCount: f.required('total_count', integer) });
};

export const decodeTotpVerification: Decoder<TotpVerification> = (value, path) => {
  const f = new Fields(value, path);
  return defined({ verified: f.required('verified', boolean), codeType: f.required('code_type', openEnum<'totp' | 'backup_code'>()) });
};

export const decodeUserIdObject: Decoder<UserIdObject> = (value, path) => defined({ userId: new Fields(value, path).required('user_id', string) });

export const decodeSmsMessage: Decoder<SmsMessage> = (value, path) => {
  const f = new Fields(value, path);
  return defined({
    object: f.required('object', literal('sms_message')),
    id: f.required('id', string),
    provider: f.required('provider', string),
    to: f.required('to', string),
    body: f.required('body', string),
    code: f.required('code', nullableString),
    status: f.required('status', string),
    attempts: f.required('attempts', integer),
    lastError: f.required('last_error', nullableString),
    providerMessageId: f.required('provider_message_id', nullableString),
    phoneNumberId: f.required('phone_number_id', string),
    verificationId: f.required('verification_id', string),
    nextAttemptAt: f.required('next_attempt_at', nullableInteger),
    deliveredAt: f.required('delivered_at', nullableInteger),
    createdAt: f.required('created_at', integer),
    updatedAt: f.required('updated_at', integer),
  });
};

export function decodePage<T>(item: Decoder<T>): Decoder<Page<T>> {
  return (value, path) => {
    const f = new Fields(value, path);
    return defined({ data: f.required('data', arrayOf(item)), totalCount: f.required('total_count', integer) });
  };
}

/** `{ "status": "ok", … }` of /healthz and /readyz. */
export const decodeHealth: Decoder<{ readonly status: string; readonly database?: string }> = (value, path) => {
  const f = new Fields(value, path);
  return defined({ status: f.required('status', string), database: f.optional('database', string) });
};

/** Any JSON object, as is (the OpenAPI document). */
export const decodeJsonObject: Decoder<Readonly<Record<string, unknown>>> = jsonObject;
