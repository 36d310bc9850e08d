import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** `type: [T, "null"]`: one type error naming the parameter, where a union would report each branch. */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<T['static'] | null> {
  return Type.Unsafe<T['static'] | null>({ ...schema, type: [schema['type'] as string, 'null'] });
}

/** A string enum as plain `enum`, so a wrong value is one clear `enum` error. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Arbitrary JSON object, at most 8 KiB serialized.',
});

/** Metadata as a request field: what it is for (Clerk's wording) and what the request does with it. */
const MetadataField = (description: string): typeof Metadata =>
  Type.Record(Type.String(), Type.Unknown(), { description: `${description} A JSON object, at most 8 KiB serialized.` });

/** A user's three optional metadata request fields; `how` says what happens to the stored object. */
export function metadataFields(how: string) {
  return {
    public_metadata: Type.Optional(MetadataField(`Metadata saved on the user, that is visible to both your frontend and backend. ${how}`)),
    private_metadata: Type.Optional(MetadataField(`Metadata saved on the user that is only visible to your backend. ${how}`)),
    unsafe_metadata: Type.Optional(
      MetadataField(`Metadata saved on the user, that Clerk lets the frontend update too (Callsign has no frontend API). ${how}`),
    ),
  };
}

/** Names, external ids: generous but bounded. */
const ShortText = Type.String({ maxLength: 256 });

/** ShortText as a request field, with its description. */
export const ShortTextField = (description: string): typeof ShortText => Type.String({ maxLength: 256, description });

export const ClerkError = Type.Object(
  {
    message: Type.String(),
    long_message: Type.String(),
    code: Type.String(),
    meta: Type.Optional(Type.Object({ param_name: Type.Optional(Type.String()) }, { additionalProperties: true })),
  },
  { $id: 'ClerkError' },
);

export const ClerkErrors = Type.Object(
  {
    errors: Type.Array(ClerkError),
    clerk_trace_id: Type.Optional(Type.String()),
  },
  { $id: 'ClerkErrors', description: 'Every error response: one or more errors with Clerk codes.' },
);

export const DeletedObject = Type.Object(
  { object: Type.String(), id: Type.String(), deleted: Type.Boolean() },
  { $id: 'DeletedObject', additionalProperties: false },
);
