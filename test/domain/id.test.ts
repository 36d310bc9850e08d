import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIdGenerator } from '../../src/domain/id.js';
import { TestClock } from '../helpers/clock.js';

test('ids are prefixed, 26 Crockford characters, and sort in creation order even within one millisecond', () => {
  const clock = new TestClock(1_700_000_000_000);
  let seed = 0;
  const newId = createIdGenerator(clock, { bytes: (n) => Uint8Array.from({ length: n }, () => (seed = (seed * 31 + 17) % 251)) });
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    ids.push(newId('user'));
    if (i % 50 === 0) clock.advance(1);
  }
  for (const id of ids) assert.match(id, /^user_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('a clock that steps back does not break the order', () => {
  const clock = new TestClock(1_700_000_000_000);
  const newId = createIdGenerator(clock, { bytes: (n) => new Uint8Array(n).fill(9) });
  const a = newId('idn');
  clock.advance(-5000);
  const b = newId('idn');
  assert.ok(b > a);
});
