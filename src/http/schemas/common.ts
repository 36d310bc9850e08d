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

/** Names, external ids: generous but bounded. */
export const ShortText = Type.String({ maxLength: 256 });

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
