import type { IdPrefix } from '../domain/id.js';
import type { KeyedHasher } from '../domain/keyed-hash.js';
import type { Clock, Random } from '../domain/ports.js';
import type { Store } from '../store/database.js';

/** What every use case needs: the store, the time, randomness, the code hasher and a source of ids. */
export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  /** Hashes codes and backup codes under the configured key. */
  readonly hasher: KeyedHasher;
  readonly newId: (prefix: IdPrefix) => string;
}
