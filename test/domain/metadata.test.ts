import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMetadataSize, mergeMetadata } from '../../src/domain/metadata.js';

test('merge is deep; null removes a key at any depth; arrays and scalars replace', () => {
  const base = { a: 1, nested: { keep: true, drop: 'x', list: [1, 2] }, gone: 'y' };
  assert.deepEqual(mergeMetadata(base, { nested: { drop: null, list: [3], added: { z: 1 } }, gone: null, b: 2 }), {
    a: 1,
    nested: { keep: true, list: [3], added: { z: 1 } },
    b: 2,
  });
  assert.deepEqual(base.nested.list, [1, 2], 'the stored value is not mutated');
});

test('each metadata object is at most 8 KiB serialized', () => {
  assert.doesNotThrow(() => checkMetadataSize({ a: 'x'.repeat(8000) }, 'public_metadata'));
  assert.throws(
    () => checkMetadataSize({ a: 'é'.repeat(4200) }, 'public_metadata'),
    (error: any) => error.paramName === 'public_metadata' && /at most 8192 bytes/.test(error.longMessage),
  );
});
