import { errors } from './errors.js';
import { METADATA_MAX_BYTES, type Metadata } from './user.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Clerk's metadata merge: nested objects merge key by key, any other value
 * replaces, and `null` removes the key at any depth.
 */
export function mergeMetadata(base: Metadata, patch: Metadata): Metadata {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key])) out[key] = mergeMetadata(out[key] as Metadata, value);
    else out[key] = value;
  }
  return out;
}

/** Each metadata object is limited to 8 KiB serialized, as in Clerk. */
export function checkMetadataSize(value: Metadata, param: string): Metadata {
  if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) {
    throw errors.paramValueInvalid(param, `${param} must be at most ${METADATA_MAX_BYTES} bytes when serialized as JSON.`);
  }
  return value;
}
