import type { Insertable } from 'kysely';
import { newPhoneNumber, type IdentificationStatus } from '../../src/domain/phone-number.js';
import type { PhoneNumberTable, UserTable } from '../../src/store/database.js';
import { toRow } from '../../src/store/phone-number.repository.js';

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

/** A phone_numbers row as the service first stores a number: unflagged, unverified unless `status` says otherwise. */
export const phoneNumberRow = (id: string, userId: string, e164: string, at = 1, status: IdentificationStatus = 'unverified'): Insertable<PhoneNumberTable> =>
  toRow(newPhoneNumber({ id, userId, phoneNumber: e164, now: at }, status));
