export type Metadata = Readonly<Record<string, unknown>>;

export interface User {
  readonly id: string;
  readonly externalId: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly publicMetadata: Metadata;
  readonly privateMetadata: Metadata;
  readonly unsafeMetadata: Metadata;
  readonly mfaEnabledAt: number | null;
  readonly mfaDisabledAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Clerk's limit on each metadata object, serialized. */
export const METADATA_MAX_BYTES = 8 * 1024;

/** Which users a list or count matches: every given criterion holds. */
export interface UserFilter {
  readonly userIds?: readonly string[];
  readonly externalIds?: readonly string[];
  /** E.164 numbers; a user matches when they hold any of them, in any state. */
  readonly phoneNumbers?: readonly string[];
  /** Case-insensitive substring of the id, external id, names or any phone number. */
  readonly query?: string;
}

export interface UserPage {
  readonly orderBy: 'created_at' | 'updated_at';
  readonly direction: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
  /** Only users after this one in the chosen order (a keyset cursor). */
  readonly after?: User;
}
