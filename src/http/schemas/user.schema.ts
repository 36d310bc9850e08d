import { Type } from '@sinclair/typebox';
import { Metadata, metadataFields, Nullable, ShortTextField, StringEnum } from './common.js';
import { PhoneNumber } from './phone-number.schema.js';

const Never = Type.Array(Type.Never(), { maxItems: 0, description: 'Callsign holds none of these: always empty.' });

export const User = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('user'),
    external_id: Nullable(Type.String()),
    primary_email_address_id: Type.Null(),
    primary_phone_number_id: Nullable(Type.String()),
    primary_web3_wallet_id: Type.Null(),
    username: Type.Null(),
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    has_image: Type.Boolean(),
    public_metadata: Metadata,
    private_metadata: Metadata,
    unsafe_metadata: Metadata,
    email_addresses: Never,
    phone_numbers: Type.Array(PhoneNumber),
    web3_wallets: Never,
    passkeys: Never,
    password_enabled: Type.Boolean(),
    two_factor_enabled: Type.Boolean(),
    totp_enabled: Type.Boolean(),
    backup_code_enabled: Type.Boolean(),
    mfa_enabled_at: Nullable(Type.Integer()),
    mfa_disabled_at: Nullable(Type.Integer()),
    external_accounts: Never,
    saml_accounts: Never,
    enterprise_accounts: Never,
    last_sign_in_at: Type.Null(),
    banned: Type.Boolean(),
    locked: Type.Boolean(),
    lockout_expires_in_seconds: Type.Null(),
    verification_attempts_remaining: Type.Null(),
    created_at: Type.Integer(),
    updated_at: Type.Integer(),
    delete_self_enabled: Type.Boolean(),
    create_organization_enabled: Type.Boolean(),
    last_active_at: Type.Null(),
    legal_accepted_at: Type.Null(),
  },
  { $id: 'User', additionalProperties: false },
);

export const UserParams = Type.Object({ user_id: Type.String({ description: 'The ID of the user (`user_…`).' }) });

const IdentificationStatus = StringEnum(['verified', 'reserved', 'unverified'] as const);

export const ReplacePhoneNumberBody = Type.Object(
  {
    phone_number: Type.String({
      description:
        'The new phone number, in international format: `+` and the country code (spaces, dots, dashes and parentheses are ignored). Stored in E.164.',
    }),
    identification_status: Type.Optional(
      StringEnum(['verified', 'reserved', 'unverified'] as const, {
        default: 'verified',
        description:
          'Controls the status of the replacement phone number. Defaults to `verified`. Set to `reserved` to create it reserved ' +
          '(unverified but usable for sign-in and locked so no other user can claim it), or to `unverified` to create it neither ' +
          'usable for sign-in nor locked (the user is then left without a primary phone number).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateUserBody = Type.Object(
  {
    external_id: Type.Optional(
      Nullable(ShortTextField('The ID of the user as used in your external systems or your previous authentication solution (at most 256 characters).')),
    ),
    first_name: Type.Optional(Nullable(ShortTextField('The first name to assign to the user (at most 256 characters).'))),
    last_name: Type.Optional(Nullable(ShortTextField('The last name to assign to the user (at most 256 characters).'))),
    phone_number: Type.Optional(
      Type.Array(Type.String(), {
        maxItems: 50,
        description:
          'Phone numbers to add to the user, in international format (`+` and the country code). No other user may hold one of them claimed. ' +
          "The first claimed phone number becomes the user's primary phone number. Created verified by default; " +
          'see `phone_number_identification_status` to create them reserved or unverified.',
      }),
    ),
    phone_number_identification_status: Type.Optional(
      Type.Array(IdentificationStatus, {
        maxItems: 50,
        description:
          'Controls the status each phone number is created with. Runs parallel to `phone_number`, applied by position. ' +
          'When omitted or empty, every phone number is created `verified`. Set an item to `reserved` to create the corresponding ' +
          'phone number reserved (unverified but usable for sign-in and locked so no other user can claim it), or to `unverified`.',
      }),
    ),
    ...metadataFields('The user is created with it.'),
    // These only switch off checks Callsign never makes, so they change nothing.
    skip_password_checks: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign keeps no passwords.' }))),
    skip_password_requirement: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign keeps no passwords.' }))),
    skip_legal_checks: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign makes no legal checks.' }))),
    skip_user_requirement: Type.Optional(
      Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign requires no identifier (a user may be created with none).' })),
    ),
  },
  { additionalProperties: false },
);

/** Fields Clerk's CreateUser accepts that Callsign does not implement: each is a 422 naming it. */
export const CREATE_USER_UNSUPPORTED = [
  'email_address',
  'email_address_identification_status',
  'web3_wallet',
  'username',
  'password',
  'password_digest',
  'password_hasher',
  'totp_secret',
  'backup_codes',
  'locale',
  'delete_self_enabled',
  'legal_accepted_at',
  'create_organization_enabled',
  'create_organizations_limit',
  'created_at',
  'bypass_client_trust',
  'banned',
  'locked',
] as const;

export const UpdateUserBody = Type.Object(
  {
    external_id: Type.Optional(
      Nullable(ShortTextField('The ID of the user as used in your external systems or your previous authentication solution; `null` clears it.')),
    ),
    first_name: Type.Optional(Nullable(ShortTextField('The first name to assign to the user; `null` clears it.'))),
    last_name: Type.Optional(Nullable(ShortTextField('The last name to assign to the user; `null` clears it.'))),
    primary_phone_number_id: Type.Optional(
      Nullable(
        Type.String({
          description: 'The ID of the phone number to set as primary. It must be claimed (verified or reserved), and present on the current user.',
        }),
      ),
    ),
    ...metadataFields(
      'Replaces the stored object, as before Clerk API version 2026-05-12 (older clients still send it); prefer PATCH or PUT /users/{user_id}/metadata.',
    ),
    skip_password_checks: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign keeps no passwords.' }))),
    skip_legal_checks: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign makes no legal checks.' }))),
    notify_primary_email_address_changed: Type.Optional(
      Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign keeps no email addresses.' })),
    ),
    sign_out_of_other_sessions: Type.Optional(Nullable(Type.Boolean({ description: 'Accepted and ignored: Callsign has no sessions.' }))),
  },
  { additionalProperties: false },
);

/** PATCH merges each given object into the stored one (null removes a key); PUT replaces each given object. */
export const UserMetadataBody = Type.Object(
  metadataFields('The new object will be merged with the existing value (`null` removes a key, at any depth). Left out: unchanged.'),
  { additionalProperties: false },
);

/** The same fields as UserMetadataBody, described for PUT. */
export const ReplaceUserMetadataBody = Type.Object(
  metadataFields('The existing value will be replaced entirely with the new object. Left out: unchanged.'),
  { additionalProperties: false },
);

export const UPDATE_USER_UNSUPPORTED = [
  'locale',
  'primary_email_address_id',
  'primary_web3_wallet_id',
  'username',
  'profile_image_id',
  'password',
  'password_digest',
  'password_hasher',
  'totp_secret',
  'backup_codes',
  'delete_self_enabled',
  'create_organization_enabled',
  'legal_accepted_at',
  'create_organizations_limit',
  'created_at',
  'bypass_client_trust',
] as const;

const Values = (description: string) => Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100, description });

const userFilters = {
  phone_number: Type.Optional(
    Values(
      'Users with the specified phone numbers, in any accepted format (encode the `+` as `%2B`; an unencoded `+`, read as a space, is taken as `+`). ' +
        'Accepts up to 100 phone numbers. Any phone numbers not found are ignored; a value that is no phone number matches nobody.',
    ),
  ),
  user_id: Type.Optional(Values('Users with the specified IDs. Accepts up to 100 user IDs. Any user IDs not found are ignored.')),
  external_id: Type.Optional(Values('Users with the specified external IDs. Accepts up to 100 external IDs. Any external IDs not found are ignored.')),
  query: Type.Optional(
    Type.String({
      maxLength: 256,
      description:
        "Users that match the given query: a case-insensitive part of the user's ID, external ID, first or last name, or one of their phone numbers. " +
        '`%` and `_` are literal.',
    }),
  ),
};


export const ORDER_BY = ['created_at', '+created_at', '-created_at', 'updated_at', '+updated_at', '-updated_at'] as const;

const paging = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 500,
      default: 10,
      description: 'Applies a limit to the number of users returned, 1 to 500 (default 10). Can be used for paginating the results together with `offset`. Ignored by the count.',
    }),
  ),
  offset: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      default: 0,
      description: 'Skip the first `offset` users when paginating (default 0). To be used in conjunction with `limit`. Ignored by the count.',
    }),
  ),
  order_by: Type.Optional(
    StringEnum(ORDER_BY, {
      default: '-created_at',
      description:
        'Returns users in a particular order: by `created_at` or `updated_at`, with `+` (ascending; also the meaning of no sign) or `-` (descending) ' +
        'prepended. Default `-created_at`, the newest first. Ties are broken by ID. Ignored by the count.',
    }),
  ),
  starting_after: Type.Optional(
    Type.String({
      maxLength: 256,
      description:
        'A cursor for pagination: the `id` of the last user on the previous page. Returns the users that follow it in the chosen order, ' +
        'stable while users are created. An ID that is no user is 422 form_param_value_invalid. Ignored by the count.',
    }),
  ),
};

export const UserListQuery = Type.Object({ ...userFilters, ...paging }, { additionalProperties: false });

/**
 * The list's filters; its paging parameters are accepted and ignored, because
 * Clerk's SDKs (Go's user.Count) send the list's parameters to the count too.
 */
export const UserCountQuery = Type.Object({ ...userFilters, ...paging }, { additionalProperties: false });

/** Filters Clerk's user list accepts that Callsign does not implement. */
export const USER_FILTERS_UNSUPPORTED = [
  'email_address',
  'username',
  'web3_wallet',
  'organization_id',
  'email_address_query',
  'phone_number_query',
  'username_query',
  'name_query',
  'banned',
  'last_active_at_before',
  'last_active_at_after',
  'last_active_at_since',
  'created_at_before',
  'created_at_after',
  'last_sign_in_at_before',
  'last_sign_in_at_after',
  'provider',
  'provider_user_id',
] as const;

export const TotalCount = Type.Object(
  { object: Type.Literal('total_count'), total_count: Type.Integer() },
  { $id: 'TotalCount', additionalProperties: false },
);
