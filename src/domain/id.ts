import type { Clock, Random } from './ports.js';

/** `sms` names an SMS message (the development inbox, webhook ids). */
export type IdPrefix = 'user' | 'idn' | 'ver' | 'sms';

/** Crockford base32: URL-safe, no ambiguous letters, and sorts in the same order as the numbers it encodes. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/**
 * Makes prefixed IDs that sort lexicographically in creation order: 10
 * characters of millisecond time, then 16 of randomness (80 bits). Within one
 * millisecond the random part is incremented, so IDs made by one process are
 * strictly increasing even when the clock stands still.
 */
export function createIdGenerator(clock: Clock, random: Random): (prefix: IdPrefix) => string {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return (prefix) => {
    const now = Math.max(clock.now(), lastTime);
    if (now === lastTime) {
      lastRandom = increment(lastRandom);
    } else {
      lastTime = now;
      lastRandom = Array.from(random.bytes(RANDOM_CHARS), (b) => b & 31);
    }
    return `${prefix}_${encodeTime(now)}${lastRandom.map((d) => ALPHABET[d]).join('')}`;
  };
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]! += 1;
      return next;
    }
    next[i] = 0;
  }
  // 2^80 IDs in one millisecond cannot happen; wrapping would still be unique per time.
  return next;
}
