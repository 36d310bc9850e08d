import type { Migration, MigrationProvider } from 'kysely';
import * as usersAndPhoneNumbers from './0001-users-and-phone-numbers.js';
import * as verifications from './0002-verifications.js';
import * as backupCodes from './0003-backup-codes.js';
import * as writeProbe from './0004-write-probe.js';

/**
 * Every migration, in order. Names sort in the order they run; a released
 * migration is never edited, only followed by a new one.
 */
const migrations: Record<string, Migration> = {
  '0001-users-and-phone-numbers': usersAndPhoneNumbers,
  '0002-verifications': verifications,
  '0003-backup-codes': backupCodes,
  '0004-write-probe': writeProbe,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
