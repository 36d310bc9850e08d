/**
 * The models, camelCase, mirroring Clerk's Backend API schemas (and the
 * PhoneNumber tables of Clerk's generated SDKs). Every object is frozen.
 * Timestamps are Unix milliseconds.
 */

/** Arbitrary JSON metadata. */
export type Metadata = Readonly<Record<string, unknown>>;

/** A verification's status. Open: a value this client does not know yet is kept, not rejected. */
export type OTPStatus = 'unverified' | 'verified' | 'failed' | 'expired' | (string & {});

/** How an OTP was delivered. Open, like Clerk's (`x-speakeasy-unknown-values: allow`). */
export type OTPStrategy = 'phone_code' | 'email_code' | 'reset_password_email_code' | (string & {});

/** The admin verification's status: always `verified` today; open. */
export type AdminStatus = 'verified' | (string & {});

/** The admin verification's strategy: always `admin` today; open. */
export type AdminStrategy = 'admin' | (string & {});

/** A one-time-code verification (`verification_otp`): the number was, or is being, verified by SMS. */
export interface PhoneNumberOTP {
  readonly object: 'verification_otp';
  /** `verified` once the right code was given; `failed` after too many wrong ones; `expired` after the deadline. */
  readonly status: OTPStatus;
  /** `phone_code` for phone numbers. */
  readonly strategy: OTPStrategy;
  /** Codes checked so far, right or wrong. */
  readonly attempts: number | null;
  /** When the code stops working (Unix ms). */
  readonly expireAt: number | null;
  /** The delivery channel, `sms`. */
  readonly channel?: string | null;
  readonly verifiedAtClient?: string | null;
}

/** An administrator's verification (`verification_admin`): the number was created or marked verified through the API. */
export interface PhoneNumberAdmin {
  readonly object: 'verification_admin';
  readonly status: AdminStatus;
  readonly strategy: AdminStrategy;
  readonly attempts: number | null;
  readonly expireAt: number | null;
  readonly verifiedAtClient?: string | null;
}

/** A phone number's verification: narrow on `object`. */
export type PhoneNumberVerification = PhoneNumberOTP | PhoneNumberAdmin;

/** An OAuth account the identification is linked to (Callsign has none: always empty there). */
export interface IdentificationLink {
  readonly type: string;
  readonly id: string;
}

/** A phone number held by one user. */
export interface PhoneNumber {
  /** `idn_…`. Optional in Clerk's description; Callsign always sends it. */
  readonly id?: string;
  readonly object: 'phone_number';
  /** E.164, e.g. `+14155550101`. */
  readonly phoneNumber: string;
  /** Usable as a second factor (it must be verified). */
  readonly reservedForSecondFactor?: boolean;
  /** The user's default second factor (at most one per user). */
  readonly defaultSecondFactor?: boolean;
  /** Unverified but locked to this user and usable for sign-in. */
  readonly reserved: boolean;
  /** null while unverified and no code was sent. */
  readonly verification: PhoneNumberVerification | null;
  readonly linkedTo: readonly IdentificationLink[];
  /**
   * The ten backup codes in plaintext, only in the answer of the very call
   * that created them (the user's first second factor); null or absent everywhere else.
   */
  readonly backupCodes?: readonly string[] | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A user. Callsign keeps users and their phone numbers only: the email,
 * wallet, passkey and account lists are always empty there. Against Clerk
 * they carry Clerk's objects, passed through undecoded (snake_case).
 */
export interface User {
  /** `user_…`. */
  readonly id: string;
  readonly object: 'user';
  readonly externalId: string | null;
  readonly primaryEmailAddressId: string | null;
  /** A claimed (verified or reserved) number of this user, or null. */
  readonly primaryPhoneNumberId: string | null;
  readonly primaryWeb3WalletId: string | null;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly locale?: string | null;
  readonly imageUrl?: string;
  readonly hasImage: boolean;
  readonly publicMetadata: Metadata;
  /** Only the backend sees it. Optional and nullable in Clerk's description. */
  readonly privateMetadata?: Metadata | null;
  readonly unsafeMetadata?: Metadata;
  readonly emailAddresses: readonly Metadata[];
  readonly phoneNumbers: readonly PhoneNumber[];
  readonly web3Wallets: readonly Metadata[];
  readonly passkeys: readonly Metadata[];
  readonly externalAccounts: readonly Metadata[];
  readonly samlAccounts: readonly Metadata[];
  readonly enterpriseAccounts: readonly Metadata[];
  readonly passwordEnabled: boolean;
  /** True while any number is reserved for second factor. */
  readonly twoFactorEnabled: boolean;
  readonly totpEnabled: boolean;
  readonly backupCodeEnabled: boolean;
  readonly mfaEnabledAt: number | null;
  readonly mfaDisabledAt: number | null;
  readonly lastSignInAt: number | null;
  readonly banned: boolean;
  readonly locked: boolean;
  readonly lockoutExpiresInSeconds: number | null;
  readonly verificationAttemptsRemaining: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deleteSelfEnabled: boolean;
  readonly createOrganizationEnabled: boolean;
  readonly lastActiveAt: number | null;
  readonly legalAcceptedAt: number | null;
}

/** The answer of a deletion. */
export interface DeletedObject {
  /** `user` or `phone_number`. */
  readonly object: string;
  readonly id?: string;
  readonly deleted: boolean;
}

/**
 * The verification that prepare_verification starts and attempt_verification
 * checks (Clerk's `_VerificationResponse`). An attempt's outcome is its
 * `status`, not an error.
 */
export interface VerificationResponse {
  /** `verification_otp`. */
  readonly object: string;
  /** `ver_…`: pass it to `attemptVerification`. */
  readonly id: string;
  /** `unverified` (sent, or a wrong code), `verified`, `failed` (too many wrong codes) or `expired`. */
  readonly status: OTPStatus;
  /** `phone_code`. */
  readonly strategy: OTPStrategy;
  readonly attempts: number | null;
  readonly expireAt: number | null;
  /** `sms`. */
  readonly channel: string | null;
}

/** How many users match a filter. */
export interface TotalCount {
  readonly object: 'total_count';
  readonly totalCount: number;
}

/** The answer of `users.verifyTotp`. */
export interface TotpVerification {
  readonly verified: boolean;
  /** `backup_code` on Callsign, which has no TOTP. Open. */
  readonly codeType: 'totp' | 'backup_code' | (string & {});
}

/** The answer of `users.deleteBackupCodes` and `users.disableMfa`. */
export interface UserIdObject {
  readonly userId: string;
}

/** A message in Callsign's development inbox (not part of Clerk's API). */
export interface SmsMessage {
  readonly object: 'sms_message';
  readonly id: string;
  /** `log`, `webhook`, `twilio`, or `test_mode` (nothing sent). */
  readonly provider: string;
  /** E.164. */
  readonly to: string;
  readonly body: string;
  /** The code, for `log` and test-mode messages only. */
  readonly code: string | null;
  /** `sending`, `delivered`, `retrying`, `refused`, `expired`, `cancelled`, `abandoned`, `test_mode`. Open. */
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly providerMessageId: string | null;
  readonly phoneNumberId: string;
  readonly verificationId: string;
  readonly nextAttemptAt: number | null;
  readonly deliveredAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One page of a list. */
export interface Page<T> {
  readonly data: readonly T[];
  readonly totalCount: number;
}
