import { randomBytes } from 'node:crypto';
import type { Clock, Random } from '../domain/ports.js';

export const systemClock: Clock = { now: () => Date.now() };

/** Random bytes drawn from node:crypto this many at a time. */
const RANDOM_POOL_BYTES = 4096;

/**
 * node:crypto's CSPRNG, drawn 4 KiB at a time and handed out in slices, each
 * byte once: a call to randomBytes costs microseconds whatever its size (it
 * checks for a fork and takes a lock), and IDs draw 16 bytes per request.
 */
export const cryptoRandom: Random = (() => {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return {
    bytes(length) {
      if (length > RANDOM_POOL_BYTES) return randomBytes(length);
      if (offset + length > pool.length) {
        pool = randomBytes(RANDOM_POOL_BYTES);
        offset = 0;
      }
      offset += length;
      return pool.subarray(offset - length, offset);
    },
  };
})();
