import fc from 'fast-check';

/**
 * The steps the second-factor property runs: random sequences of them over a
 * few users (`u`) and a few shared numbers (`n`). `k` picks one of the user's
 * current numbers (modulo how many they hold); `tick` is how far the clock
 * moves first, often 0, so several changes share a millisecond.
 */
export type Step = { readonly tick: 0 | 1 } & (
  | { kind: 'create'; u: number; n: number; verified: boolean; primary?: true; rsf?: boolean }
  | { kind: 'update'; u: number; k: number; verified?: boolean; primary?: true; rsf?: boolean }
  | { kind: 'verify'; u: number; k: number }
  | { kind: 'delete'; u: number; k: number }
  | { kind: 'replace'; u: number; n: number; status: 'verified' | 'reserved' | 'unverified' }
  | { kind: 'verify_totp'; u: number; k: number; which: 'unused' | 'used' | 'wrong' }
  | { kind: 'delete_backup_codes'; u: number }
  | { kind: 'disable_mfa'; u: number }
);

export const USERS = 3;
/** Valid, shared between the users of a run. */
export const NUMBERS = ['+14155552671', '+14155552672', '+14155552673', '+14155552674'] as const;

// Most steps act on user 0, so one user's second factor is switched on and off
// often within a run; the others are there to contend for the shared numbers.
const u = fc.constantFrom(0, 0, 0, 1, 2);
const n = fc.integer({ min: 0, max: NUMBERS.length - 1 });
const k = fc.nat(7);
const tick = fc.constantFrom<0 | 1>(0, 0, 1);
const maybeBool = fc.option(fc.boolean(), { nil: undefined });
/**
 * Reserving is what turns MFA on, and promotion needs three reserved numbers
 * to tell "oldest" from "newest", so reserving is drawn most often.
 */
const rsfChange = fc.constantFrom(true, true, false, undefined);
const maybeTrue = fc.option(fc.constant(true as const), { nil: undefined, freq: 4 });

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ tick, kind: fc.constant('create' as const), u, n, verified: fc.constantFrom(true, true, false), primary: maybeTrue, rsf: rsfChange }, { requiredKeys: ['tick', 'kind', 'u', 'n', 'verified'] }) },
  { weight: 5, arbitrary: fc.record({ tick, kind: fc.constant('update' as const), u, k, verified: maybeBool, primary: maybeTrue, rsf: rsfChange }, { requiredKeys: ['tick', 'kind', 'u', 'k'] }) },
  { weight: 2, arbitrary: fc.record({ tick, kind: fc.constant('verify' as const), u, k }) },
  { weight: 2, arbitrary: fc.record({ tick, kind: fc.constant('delete' as const), u, k }) },
  { weight: 1, arbitrary: fc.record({ tick, kind: fc.constant('replace' as const), u, n, status: fc.constantFrom('verified' as const, 'reserved' as const, 'unverified' as const) }) },
  { weight: 3, arbitrary: fc.record({ tick, kind: fc.constant('verify_totp' as const), u, k, which: fc.constantFrom('unused' as const, 'used' as const, 'wrong' as const) }) },
  { weight: 1, arbitrary: fc.record({ tick, kind: fc.constant('delete_backup_codes' as const), u }) },
  { weight: 1, arbitrary: fc.record({ tick, kind: fc.constant('disable_mfa' as const), u }) },
);

export const stepsArb: fc.Arbitrary<Step[]> = fc.array(stepArb, { minLength: 1, maxLength: 30, size: 'medium' });

/** What a User response says, reduced to what the rules are about. */
export interface Observed {
  readonly id: string;
  readonly primaryId: string | null;
  readonly twoFactor: boolean;
  readonly backupCodeEnabled: boolean;
  readonly mfaEnabledAt: number | null;
  readonly mfaDisabledAt: number | null;
  /** Oldest first, as the User object lists them. */
  readonly numbers: readonly ObservedNumber[];
}

export interface ObservedNumber {
  readonly id: string;
  readonly e164: string;
  readonly verified: boolean;
  /** Identification status `reserved`: claimed without being verified. */
  readonly reserved: boolean;
  readonly claimed: boolean;
  readonly reservedForSecondFactor: boolean;
  readonly defaultSecondFactor: boolean;
  readonly backupCodes: unknown;
}

export function observe(user: any): Observed {
  return {
    id: user.id,
    primaryId: user.primary_phone_number_id,
    twoFactor: user.two_factor_enabled,
    backupCodeEnabled: user.backup_code_enabled,
    mfaEnabledAt: user.mfa_enabled_at,
    mfaDisabledAt: user.mfa_disabled_at,
    numbers: user.phone_numbers.map((p: any) => {
      const verified = p.verification?.status === 'verified';
      return {
        id: p.id,
        e164: p.phone_number,
        verified,
        reserved: p.reserved === true,
        claimed: verified || p.reserved === true,
        reservedForSecondFactor: p.reserved_for_second_factor,
        defaultSecondFactor: p.default_second_factor,
        backupCodes: p.backup_codes,
      };
    }),
  };
}

/** The backup codes the test has seen issued to one user, split by whether they may still verify. */
export interface CodeModel {
  unused: Set<string>;
  used: Set<string>;
}
