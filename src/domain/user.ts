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
