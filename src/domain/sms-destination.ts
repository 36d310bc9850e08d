import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';
import { CallsignError, errors } from './errors.js';

export interface DestinationPolicy {
  /** ISO 3166 alpha-2; empty allows every country. */
  readonly allowedCountries: readonly string[];
  /** ISO 3166 alpha-2; wins over `allowedCountries`. */
  readonly blockedCountries: readonly string[];
}

/**
 * Number types a code is never sent to (libphonenumber's full metadata):
 * premium-rate and shared-cost numbers are how SMS pumping earns its money;
 * the others cannot receive a text message at all. Mobile, fixed-line-or-mobile
 * (the whole of North America), VoIP, personal numbers and numbers of a type
 * the metadata does not know yet are sent to.
 */
const CANNOT_RECEIVE_SMS: ReadonlySet<NumberType> = new Set<NumberType>(['FIXED_LINE', 'TOLL_FREE', 'PAGER', 'UAN', 'VOICEMAIL']);

/**
 * The SMS-pumping guard: whether a code may be sent to `e164`. Returns the
 * refusal (each kind a 422 with its own code), or null when sending is fine.
 * An outcome, not a throw, so callers decide when to check.
 */
export function refuseDestination(e164: string, policy: DestinationPolicy): CallsignError | null {
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined) return errors.smsCannotReceive('unknown');
  // A number outside every known range has no country of its own; it is
  // judged by every country its calling code could mean.
  const countries: readonly string[] = parsed.country !== undefined ? [parsed.country] : parsed.getPossibleCountries();
  const blocked = countries.find((c) => policy.blockedCountries.includes(c));
  if (blocked !== undefined) return errors.smsCountryBlocked(blocked);
  if (policy.allowedCountries.length > 0 && (countries.length === 0 || countries.some((c) => !policy.allowedCountries.includes(c)))) {
    return errors.smsCountryNotAllowed(countries[0] ?? `+${parsed.countryCallingCode}`);
  }
  const type = parsed.getType();
  if (type === 'PREMIUM_RATE') return errors.smsPremiumRate();
  if (type === 'SHARED_COST') return errors.smsSharedCost();
  if (type !== undefined && CANNOT_RECEIVE_SMS.has(type)) return errors.smsCannotReceive(type.toLowerCase());
  return null;
}
