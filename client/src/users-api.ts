import { decodeDeletedObject, decodeTotalCount, decodeTotpVerification, decodeUser, decodeUserIdObject, decodeUsers } from './decoders.js';
import type { DeletedObject, Metadata, TotalCount, TotpVerification, User, UserIdObject } from './models.js';
import { segment, type Transport } from './transport.js';

/** How a number given at creation or replacement starts out. */
export type IdentificationStatus = 'verified' | 'reserved' | 'unverified';

export interface CreateUserParams {
  /** Your own id for the user. */
  readonly externalId?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  /** Phone numbers to add, with + and the country code. @default [] (a user needs no identifier) */
  readonly phoneNumber?: readonly string[];
  /** The status of each number in `phoneNumber`, by position. @default 'verified' for each */
  readonly phoneNumberIdentificationStatus?: readonly IdentificationStatus[];
  readonly publicMetadata?: Metadata;
  readonly privateMetadata?: Metadata;
  readonly unsafeMetadata?: Metadata;
}

export interface UpdateUserParams {
  readonly externalId?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  /** One of the user's claimed numbers, or null. */
  readonly primaryPhoneNumberId?: string | null;
}

export interface UserMetadataParams {
  readonly publicMetadata?: Metadata;
  readonly privateMetadata?: Metadata;
  readonly unsafeMetadata?: Metadata;
}

/** Filters shared by `list` and `count`; values within one filter are alternatives. */
export interface UserFilter {
  /** Users holding any of these numbers (normalized to E.164 first). */
  readonly phoneNumber?: readonly string[];
  readonly userId?: readonly string[];
  readonly externalId?: readonly string[];
  /** Free text matched against ids, names and numbers. */
  readonly query?: string;
}

export type UserOrderBy = 'created_at' | '+created_at' | '-created_at' | 'updated_at' | '+updated_at' | '-updated_at';

export interface ListUsersParams extends UserFilter {
  /** 1 to 500. @default 10 */
  readonly limit?: number;
  /** @default 0 */
  readonly offset?: number;
  /** @default '-created_at' (newest first) */
  readonly orderBy?: UserOrderBy;
  /** Cursor: only users after this user id in the chosen order. */
  readonly startingAfter?: string;
}

/** Drops undefined values, so only what the caller set goes on the wire. */
export function wire(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const filterQuery = (filter: UserFilter): Record<string, string | readonly string[] | undefined> => ({
  phone_number: filter.phoneNumber,
  user_id: filter.userId,
  external_id: filter.externalId,
  query: filter.query,
});

const metadataBody = (params: UserMetadataParams): Record<string, unknown> =>
  wire({ public_metadata: params.publicMetadata, private_metadata: params.privateMetadata, unsafe_metadata: params.unsafeMetadata });

/** `/v1/users`: users, their metadata and their second factor. Reached as `callsign.users`. */
export class UsersApi {
  constructor(private readonly transport: Transport) {}

  /**
   * Creates a user, with or without phone numbers (`POST /v1/users`).
   * @example
   * const user = await callsign.users.create({ firstName: 'Ada', phoneNumber: ['+14155550101'] });
   */
  create(params: CreateUserParams = {}): Promise<User> {
    return this.transport.request(
      {
        method: 'POST',
        path: '/v1/users',
        body: wire({
          external_id: params.externalId,
          first_name: params.firstName,
          last_name: params.lastName,
          phone_number: params.phoneNumber,
          phone_number_identification_status: params.phoneNumberIdentificationStatus,
          ...metadataBody(params),
        }),
      },
      decodeUser,
    );
  }

  /**
   * One user with their phone numbers (`GET /v1/users/{user_id}`).
   * @example
   * const user = await callsign.users.get('user_2x…');
   */
  get(userId: string): Promise<User> {
    return this.transport.request({ method: 'GET', path: `/v1/users/${segment(userId)}` }, decodeUser);
  }

  /**
   * A page of users (`GET /v1/users`), newest first unless `orderBy` says otherwise.
   * @example
   * const holders = await callsign.users.list({ phoneNumber: ['+14155550101'] });
   */
  list(params: ListUsersParams = {}): Promise<readonly User[]> {
    return this.transport.request(
      {
        method: 'GET',
        path: '/v1/users',
        query: { ...filterQuery(params), limit: params.limit, offset: params.offset, order_by: params.orderBy, starting_after: params.startingAfter },
      },
      decodeUsers,
    );
  }

  /**
   * How many users match (`GET /v1/users/count`).
   * @example
   * const { totalCount } = await callsign.users.count({ query: 'ada' });
   */
  count(filter: UserFilter = {}): Promise<TotalCount> {
    return this.transport.request({ method: 'GET', path: '/v1/users/count', query: filterQuery(filter) }, decodeTotalCount);
  }

  /**
   * Changes names, external id or primary number (`PATCH /v1/users/{user_id}`).
   * Metadata has its own methods, `updateMetadata` and `replaceMetadata`, as in Clerk's current API.
   * @example
   * await callsign.users.update(user.id, { primaryPhoneNumberId: number.id });
   */
  update(userId: string, params: UpdateUserParams): Promise<User> {
    return this.transport.request(
      {
        method: 'PATCH',
        path: `/v1/users/${segment(userId)}`,
        body: wire({
          external_id: params.externalId,
          first_name: params.firstName,
          last_name: params.lastName,
          primary_phone_number_id: params.primaryPhoneNumberId,
        }),
      },
      decodeUser,
    );
  }

  /**
   * Deep-merges metadata (`PATCH /v1/users/{user_id}/metadata`); a `null` value removes its key.
   * @example
   * await callsign.users.updateMetadata(user.id, { publicMetadata: { plan: 'pro' } });
   */
  updateMetadata(userId: string, params: UserMetadataParams): Promise<User> {
    return this.transport.request({ method: 'PATCH', path: `/v1/users/${segment(userId)}/metadata`, body: metadataBody(params) }, decodeUser);
  }

  /**
   * Replaces each given metadata object whole (`PUT /v1/users/{user_id}/metadata`); the others are left alone.
   * @example
   * await callsign.users.replaceMetadata(user.id, { privateMetadata: {} });
   */
  replaceMetadata(userId: string, params: UserMetadataParams): Promise<User> {
    return this.transport.request({ method: 'PUT', path: `/v1/users/${segment(userId)}/metadata`, body: metadataBody(params) }, decodeUser);
  }

  /**
   * Deletes a user and their numbers (`DELETE /v1/users/{user_id}`).
   * @example
   * const { deleted } = await callsign.users.delete(user.id);
   */
  delete(userId: string): Promise<DeletedObject> {
    return this.transport.request({ method: 'DELETE', path: `/v1/users/${segment(userId)}` }, decodeDeletedObject);
  }

  /**
   * Checks and uses up one backup code (`POST /v1/users/{user_id}/verify_totp`).
   * Callsign has no TOTP: only backup codes verify. A wrong or used code
   * throws a 422 `CallsignApiError`; a user without a second factor a 400.
   * @example
   * const { verified, codeType } = await callsign.users.verifyTotp(user.id, { code: 'abcd-1234' });
   */
  verifyTotp(userId: string, params: { readonly code: string }): Promise<TotpVerification> {
    return this.transport.request({ method: 'POST', path: `/v1/users/${segment(userId)}/verify_totp`, body: { code: params.code } }, decodeTotpVerification);
  }

  /**
   * Removes the user's backup codes (`DELETE /v1/users/{user_id}/backup_code`).
   * @example
   * await callsign.users.deleteBackupCodes(user.id);
   */
  deleteBackupCodes(userId: string): Promise<UserIdObject> {
    return this.transport.request({ method: 'DELETE', path: `/v1/users/${segment(userId)}/backup_code` }, decodeUserIdObject);
  }

  /**
   * Removes every second factor and the backup codes (`DELETE /v1/users/{user_id}/mfa`).
   * @example
   * await callsign.users.disableMfa(user.id);
   */
  disableMfa(userId: string): Promise<UserIdObject> {
    return this.transport.request({ method: 'DELETE', path: `/v1/users/${segment(userId)}/mfa` }, decodeUserIdObject);
  }
}
