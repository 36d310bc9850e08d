import assert from 'node:assert/strict';

/**
 * The error `call` throws, for a test to look into: it must throw, and what it
 * throws must be what `is` accepts (`expected` names that in the failure).
 */
export async function thrownBy<E>(call: () => Promise<unknown>, is: (error: unknown) => error is E, expected: string): Promise<E> {
  try {
    await call();
  } catch (error) {
    assert.ok(is(error), `expected ${expected}, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to throw');
}
