import { Type } from '@sinclair/typebox';
import { Metadata, Nullable, ShortText, StringEnum } from './common.js';
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

export const UserParams = Type.Object({ user_id: Type.String() });

const IdentificationStatus = StringEnum(['verified', 'reserved', 'unverified'] as const);

export const ReplacePhoneNumberBody = Type.Object(
  {
    phone_number: Type.String({ description: 'International format: + and the country code.' }),
    identification_status: Type.Optional(
      StringEnum(['verified', 'reserved', 'unverified'] as const, {
        default: 'verified',
        description: 'verified (default), reserved (unverified but locked to this user) or unverified.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateUserBody = Type.Object(
  {
    external_id: Type.Optional(Nullable(ShortText)),
    first_name: Type.Optional(Nullable(ShortText)),
    last_name: Type.Optional(Nullable(ShortText)),
    phone_number: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
    phone_number_identification_status: Type.Optional(Type.Array(IdentificationStatus, { maxItems: 50 })),
    public_metadata: Type.Optional(Metadata),
    private_metadata: Type.Optional(Metadata),
    unsafe_metadata: Type.Optional(Metadata),
    // These only switch off checks Callsign never makes, so they change nothing.
    skip_password_checks: Type.Optional(Nullable(Type.Boolean())),
    skip_password_requirement: Type.Optional(Nullable(Type.Boolean())),
    skip_legal_checks: Type.Optional(Nullable(Type.Boolean())),
    skip_user_requirement: Type.Optional(Nullable(Type.Boolean())),
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
    external_id: Type.Optional(Nullable(ShortText)),
    first_name: Type.Optional(Nullable(ShortText)),
    last_name: Type.Optional(Nullable(ShortText)),
    primary_phone_number_id: Type.Optional(Nullable(Type.String())),
    public_metadata: Type.Optional(Metadata),
    private_metadata: Type.Optional(Metadata),
    unsafe_metadata: Type.Optional(Metadata),
    skip_password_checks: Type.Optional(Nullable(Type.Boolean())),
    skip_legal_checks: Type.Optional(Nullable(Type.Boolean())),
    notify_primary_email_address_changed: Type.Optional(Nullable(Type.Boolean())),
    sign_out_of_other_sessions: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);

/** PATCH merges each given object into the stored one (null removes a key); PUT replaces each given object. */
export const UserMetadataBody = Type.Object(
  {
    public_metadata: Type.Optional(Metadata),
    private_metadata: Type.Optional(Metadata),
    unsafe_metadata: Type.Optional(Metadata),
  },
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

const Values = Type.Array(Type.String({ maxLength: 256 }), { maxItems: 100 });

const userFilters = {
  phone_number: Type.Optional(Values),
  user_id: Type.Optional(Values),
  external_id: Type.Optional(Values),
  query: Type.Optional(Type.String({ maxLength: 256 })),
};

export const UserCountQuery = Type.Object(userFilters, { additionalProperties: false });

export const ORDER_BY = ['created_at', '+created_at', '-created_at', 'updated_at', '+updated_at', '-updated_at'] as const;

export const UserListQuery = Type.Object(
  {
    ...userFilters,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 })),
    order_by: Type.Optional(StringEnum(ORDER_BY, { default: '-created_at' })),
    starting_after: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

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
