import { CallsignDecodeError } from './errors.js';

/**
 * Small decoders for response bodies. Each takes the value and its path on
 * the wire, checks the type, and throws a `CallsignDecodeError` naming the
 * path when it is wrong. Unknown fields are never looked at.
 */
export type Decoder<T> = (value: unknown, path: string) => T;

export type JsonObject = Readonly<Record<string, unknown>>;

export const field = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** How a path is named in errors: the empty path is the body itself. */
const named = (path: string): string => (path === '' ? '(body)' : path);

export const string: Decoder<string> = (value, path) => {
  if (typeof value !== 'string') throw new CallsignDecodeError(named(path), 'a string', value);
  return value;
};

export const boolean: Decoder<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new CallsignDecodeError(named(path), 'a boolean', value);
  return value;
};

export const integer: Decoder<number> = (value, path) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new CallsignDecodeError(named(path), 'an integer', value);
  return value;
};

export const jsonObject: Decoder<JsonObject> = (value, path) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CallsignDecodeError(named(path), 'an object', value);
  return value as JsonObject;
};

/** A string from a closed set, e.g. an `object` discriminator. */
export function literal<const T extends string>(...values: readonly T[]): Decoder<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !values.includes(value as T)) {
      throw new CallsignDecodeError(named(path), values.map((v) => JSON.stringify(v)).join(' or '), value);
    }
    return value as T;
  };
}

/** A string from an open set: a value this client does not know yet is kept as is. */
export function openEnum<T extends string>(): Decoder<T | (string & {})> {
  return (value, path) => {
    if (typeof value !== 'string') throw new CallsignDecodeError(named(path), 'a string', value);
    return value;
  };
}

export function nullable<T>(decode: Decoder<T>): Decoder<T | null> {
  return (value, path) => {
    if (value === null) return null;
    try {
      return decode(value, path);
    } catch (error) {
      if (error instanceof CallsignDecodeError && error.field === named(path)) throw new CallsignDecodeError(named(path), `${error.expected} or null`, value);
      throw error;
    }
  };
}

export function arrayOf<T>(decode: Decoder<T>): Decoder<readonly T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) throw new CallsignDecodeError(named(path), 'an array', value);
    return Object.freeze(value.map((item, i) => decode(item, `${path}[${i}]`)));
  };
}

/** Reads the fields of one object, each at its own path. */
export class Fields {
  readonly raw: JsonObject;
  constructor(
    value: unknown,
    readonly path: string,
  ) {
    this.raw = jsonObject(value, path);
  }

  /** A field the API always sends. */
  required<T>(key: string, decode: Decoder<T>): T {
    return decode(this.raw[key], field(this.path, key));
  }

  /** A field the API may leave out: absent is `undefined`. */
  optional<T>(key: string, decode: Decoder<T>): T | undefined {
    const value = this.raw[key];
    return value === undefined ? undefined : decode(value, field(this.path, key));
  }

  /** A nullable field the API may leave out: absent is `null`. */
  nullOrAbsent<T>(key: string, decode: Decoder<T>): T | null {
    const value = this.raw[key];
    return value === undefined ? null : nullable(decode)(value, field(this.path, key));
  }
}

/** Runs a decoder on a whole body, naming the request in any error. */
export function decodeBody<T>(decode: Decoder<T>, body: unknown, request: string): T {
  try {
    return decode(body, '');
  } catch (error) {
    if (error instanceof CallsignDecodeError) throw error.withRequest(request);
    throw error;
  }
}
