import type { Insertable } from 'kysely';
import type { PhoneNumberTable, UserTable } from '../../src/store/database.js';

/** A users row with nothing set but its id and times, for store-level tests. */
export const userRow = (id: string, at = 1): Insertable<UserTable> => ({
  id,
  external_id: null,
  first_name: null,
  last_name: null,
  public_metadata: '{}',
  private_metadata: '{}',
  unsafe_metadata: '{}',
  mfa_enabled_at: null,
  mfa_disabled_at: null,
  created_at: at,
  updated_at: at,
});

/** An unverified, unflagged phone_numbers row. */
export const phoneNumberRow = (id: string, userId: string, e164: string, at = 1): Insertable<PhoneNumberTable> => ({
  id,
  user_id: userId,
  phone_number: e164,
  reserved: 0,
  claimed: 0,
  is_primary: 0,
  reserved_for_second_factor: 0,
  default_second_factor: 0,
  verification_strategy: null,
  verification_status: null,
  verification_attempts: null,
  verification_expire_at: null,
  created_at: at,
  updated_at: at,
});
