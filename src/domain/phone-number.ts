/** The status of a one-time-code verification (verification_otp). */
export type OtpStatus = 'unverified' | 'verified' | 'failed' | 'expired';

/**
 * How a phone number was verified, if at all: by an administrator through the
 * API (`verification_admin`) or by a code sent to it (`verification_otp`).
 */
export type Verification =
  | { readonly strategy: 'admin' }
  | {
      readonly strategy: 'phone_code';
      readonly status: OtpStatus;
      readonly attempts: number;
      readonly expireAt: number;
    };

export interface PhoneNumber {
  readonly id: string;
  readonly userId: string;
  /** E.164. */
  readonly phoneNumber: string;
  /** Unverified but locked to this user and usable for sign-in. */
  readonly reserved: boolean;
  readonly verification: Verification | null;
  readonly isPrimary: boolean;
  readonly reservedForSecondFactor: boolean;
  readonly defaultSecondFactor: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The three states of a phone number's life (docs/semantics.md, "The phone number's life"). */
export type IdentificationStatus = 'verified' | 'reserved' | 'unverified';

export const ADMIN_VERIFICATION: Verification = Object.freeze({ strategy: 'admin' });

export function isVerified(verification: Verification | null): boolean {
  return verification !== null && (verification.strategy === 'admin' || verification.status === 'verified');
}

/** Reserved and verified numbers are claimed: at most one user may hold a number claimed (rule 2). */
export function isClaimed(number: Pick<PhoneNumber, 'reserved' | 'verification'>): boolean {
  return number.reserved || isVerified(number.verification);
}

/** The flags a number gets when created in one of the three states. */
export function stateFor(status: IdentificationStatus): Pick<PhoneNumber, 'reserved' | 'verification'> {
  switch (status) {
    case 'verified':
      return { reserved: false, verification: ADMIN_VERIFICATION };
    case 'reserved':
      return { reserved: true, verification: null };
    case 'unverified':
      return { reserved: false, verification: null };
  }
}

/**
 * A number as it is first stored: in one of the three states, neither primary
 * nor default (rules 4 and 5 decide those once it is saved), reserved for
 * second factor only when asked and verified.
 */
export function newPhoneNumber(
  fields: { readonly id: string; readonly userId: string; readonly phoneNumber: string; readonly now: number; readonly reservedForSecondFactor?: boolean },
  status: IdentificationStatus,
): PhoneNumber {
  return {
    id: fields.id,
    userId: fields.userId,
    phoneNumber: fields.phoneNumber,
    ...stateFor(status),
    isPrimary: false,
    reservedForSecondFactor: fields.reservedForSecondFactor === true && status === 'verified',
    defaultSecondFactor: false,
    createdAt: fields.now,
    updatedAt: fields.now,
  };
}

/** Oldest first, ties broken by id (ids sort in creation order). */
function byAge(a: Pick<PhoneNumber, 'createdAt' | 'id'>, b: Pick<PhoneNumber, 'createdAt' | 'id'>): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The per-number flags that rules 4 and 5 derive from the rest of a user's numbers. */
export interface DerivedFlags {
  readonly isPrimary: boolean;
  readonly reservedForSecondFactor: boolean;
  readonly defaultSecondFactor: boolean;
}

/**
 * Rules 4 and 5 as one pure function over all of one user's numbers, applied
 * after every mutation:
 * - the primary stays if it is still claimed; otherwise the oldest claimed
 *   number becomes primary, or none;
 * - a number reserved for second factor must be verified, so one that lost its
 *   verification is unreserved;
 * - the default second factor stays if still reserved; otherwise the oldest
 *   reserved number becomes default, or none.
 * Returns the flags each number must have, keyed by id.
 */
export function deriveFlags(numbers: readonly PhoneNumber[]): Map<string, DerivedFlags> {
  const ordered = [...numbers].sort(byAge);
  const claimed = ordered.filter(isClaimed);
  const primary = claimed.find((n) => n.isPrimary) ?? claimed[0];

  const reservedForSecondFactor = new Set(
    ordered.filter((n) => n.reservedForSecondFactor && isVerified(n.verification)).map((n) => n.id),
  );
  const reserved = ordered.filter((n) => reservedForSecondFactor.has(n.id));
  const defaultSecondFactor = reserved.find((n) => n.defaultSecondFactor) ?? reserved[0];

  return new Map(
    ordered.map((n) => [
      n.id,
      {
        isPrimary: n.id === primary?.id,
        reservedForSecondFactor: reservedForSecondFactor.has(n.id),
        defaultSecondFactor: n.id === defaultSecondFactor?.id,
      },
    ]),
  );
}

/**
 * Whether adding `added` to a user whose numbers already obey rules 4 and 5
 * leaves every flag as it is, the new number's included (none set): it asks
 * for no second factor, and it is unclaimed or the user already has a primary
 * (which is claimed, so stays). A claimed number becomes primary only when the
 * user has none, and then no other number is claimed either. When this holds,
 * the user's other numbers need not be read to apply the rules.
 */
export function addingChangesNoFlags(
  added: Pick<PhoneNumber, 'reserved' | 'verification' | 'isPrimary' | 'reservedForSecondFactor' | 'defaultSecondFactor'>,
  userHasPrimary: boolean,
): boolean {
  const flagsUnset = !added.isPrimary && !added.reservedForSecondFactor && !added.defaultSecondFactor;
  return flagsUnset && (userHasPrimary || !isClaimed(added));
}
