import type { PhoneNumber, Verification } from '../domain/phone-number.js';
import type { OtpVerification } from '../domain/verification.js';
import type { SmsMessageRecord } from '../domain/sms-message.js';
import type { UserView } from '../service/user.service.js';

// Written by hand, field by field: the wire is Clerk's and must not drift with
// a rename in the domain.

function verificationJson(verification: Verification | null): Record<string, unknown> | null {
  if (verification === null) return null;
  if (verification.strategy === 'admin') {
    return { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expire_at: null };
  }
  return {
    object: 'verification_otp',
    status: verification.status,
    strategy: 'phone_code',
    attempts: verification.attempts,
    expire_at: verification.expireAt,
    channel: 'sms',
  };
}

export function phoneNumberJson(number: PhoneNumber, backupCodes: readonly string[] | null = null): Record<string, unknown> {
  return {
    id: number.id,
    object: 'phone_number',
    phone_number: number.phoneNumber,
    reserved_for_second_factor: number.reservedForSecondFactor,
    default_second_factor: number.defaultSecondFactor,
    reserved: number.reserved,
    verification: verificationJson(number.verification),
    linked_to: [],
    backup_codes: backupCodes,
    created_at: number.createdAt,
    updated_at: number.updatedAt,
  };
}

/** A User; its phone numbers never carry backup codes: those appear only in the response of the call that issued them. */
export function userJson({ user, phoneNumbers, backupCodeEnabled }: UserView): Record<string, unknown> {
  return {
    id: user.id,
    object: 'user',
    external_id: user.externalId,
    primary_email_address_id: null,
    primary_phone_number_id: phoneNumbers.find((n) => n.isPrimary)?.id ?? null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: user.firstName,
    last_name: user.lastName,
    has_image: false,
    public_metadata: user.publicMetadata,
    private_metadata: user.privateMetadata,
    unsafe_metadata: user.unsafeMetadata,
    email_addresses: [],
    phone_numbers: phoneNumbers.map((n) => phoneNumberJson(n)),
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: phoneNumbers.some((n) => n.reservedForSecondFactor),
    totp_enabled: false,
    backup_code_enabled: backupCodeEnabled,
    mfa_enabled_at: user.mfaEnabledAt,
    mfa_disabled_at: user.mfaDisabledAt,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    // Callsign has no frontend API through which users could act themselves.
    delete_self_enabled: false,
    create_organization_enabled: false,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

/** `_VerificationResponse`: a one-time-code verification, as prepare and attempt answer it. */
export function otpVerificationJson(v: OtpVerification): Record<string, unknown> {
  return {
    object: 'verification_otp',
    id: v.id,
    status: v.status,
    strategy: 'phone_code',
    attempts: v.attempts,
    expire_at: v.expireAt,
    channel: 'sms',
  };
}

/** A message in the development inbox. */
export function smsMessageJson(m: SmsMessageRecord): Record<string, unknown> {
  return {
    object: 'sms_message',
    id: m.id,
    provider: m.provider,
    to: m.to,
    body: m.body,
    code: m.code,
    status: m.status,
    attempts: m.attempts,
    last_error: m.lastError,
    provider_message_id: m.providerMessageId,
    phone_number_id: m.phoneNumberId,
    verification_id: m.verificationId,
    next_attempt_at: m.nextAttemptAt,
    delivered_at: m.deliveredAt,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}
