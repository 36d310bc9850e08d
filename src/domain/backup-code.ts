import type { Random } from './ports.js';

/** How many codes a user gets at once (rule 6). */
export const BACKUP_CODE_COUNT = 10;
/** Characters per code: 8 × 5 bits = 40 bits of entropy each. */
export const BACKUP_CODE_LENGTH = 8;

/**
 * Lower-case Crockford base32: 32 symbols, so one random byte masked to 5 bits
 * picks one without modulo bias, and no symbol is easy to misread (no i, l, o, u).
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** Separators people type or copy along with a code; removed before comparing. */
const SEPARATORS = /[\s\-_.]/g;
/** Crockford's reading of the letters it leaves out, so a misread code still matches. */
const CONFUSABLE: Readonly<Record<string, string>> = { i: '1', l: '1', o: '0' };

/**
 * Generates `count` distinct backup codes from the injected CSPRNG, each
 * {@link BACKUP_CODE_LENGTH} characters of {@link ALPHABET}.
 */
export function generateBackupCodes(random: Random, count: number = BACKUP_CODE_COUNT): string[] {
  const codes = new Set<string>();
  // Distinct, so no two stored hashes of one user are equal; a repeat among
  // 10 codes of 40 bits is vanishingly rare, and simply drawn again.
  for (let draws = 0; codes.size < count; draws++) {
    // A source that keeps repeating itself is broken; fail rather than spin.
    if (draws >= 4 * count) throw new Error('the random source keeps repeating itself');
    codes.add(Array.from(random.bytes(BACKUP_CODE_LENGTH), (b) => ALPHABET[b & 31]).join(''));
  }
  return [...codes];
}

/**
 * The canonical form of a code a person typed: case, spaces and dashes do not
 * matter, and i, l, o read as 1, 1, 0. Returns null when it cannot be a
 * backup code at all.
 */
export function normalizeBackupCode(input: string): string | null {
  if (input.length > 4 * BACKUP_CODE_LENGTH) return null;
  const compact = [...input.replace(SEPARATORS, '').toLowerCase()].map((c) => CONFUSABLE[c] ?? c).join('');
  if (compact.length !== BACKUP_CODE_LENGTH) return null;
  for (const c of compact) if (!ALPHABET.includes(c)) return null;
  return compact;
}

/**
 * What is hashed for one user's code: the purpose and the user are part of
 * it, so equal codes of two users (or a one-time code with the same
 * characters) never share a stored hash.
 */
export function backupCodeSecret(userId: string, code: string): string {
  return `backup_code\u0000${userId}\u0000${code}`;
}
