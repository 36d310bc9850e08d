import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';

/** Asserts that `env` is refused at start with a ConfigError whose message matches. */
export const refused = (env: NodeJS.ProcessEnv, message: RegExp): void =>
  assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
