import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BACKUP_CODE_COUNT,
  BACKUP_CODE_LENGTH,
  backupCodeSecret,
  generateBackupCodes,
  normalizeBackupCode,
} from '../../src/domain/backup-code.js';
import { createKeyedHasher } from '../../src/domain/keyed-hash.js';
import type { Random } from '../../src/domain/ports.js';

/** A Random that hands out the given bytes in order, then repeats them. */
function scripted(bytes: number[]): Random {
  let i = 0;
  return { bytes: (length) => Uint8Array.from({ length }, () => bytes[i++ % bytes.length]!) };
}

describe('backup codes (domain)', () => {
  test('ten distinct codes of eight lower-case Crockford characters', () => {
    // A small LCG: deterministic, and not periodic within 80 bytes.
    const lcg = (() => {
      let x = 1;
      return { bytes: (length: number) => Uint8Array.from({ length }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) >> 16) };
    })();
    const codes = generateBackupCodes(lcg);
    assert.equal(codes.length, BACKUP_CODE_COUNT);
    assert.equal(new Set(codes).size, BACKUP_CODE_COUNT);
    for (const code of codes) assert.match(code, new RegExp(`^[0-9a-hjkmnp-tv-z]{${BACKUP_CODE_LENGTH}}$`));
  });

  test('each character is the low five bits of one byte: no modulo bias', () => {
    const [code] = generateBackupCodes(scripted([0, 31, 32, 255, 10, 17, 18, 224]), 1);
    assert.equal(code, '0z0zahj0');
  });

  test('a repeated draw is drawn again, so the codes stay distinct', () => {
    // 8 bytes of 0, 8 of 0 again, then 8 of 1.
    const bytes = [...Array(16).fill(0), ...Array(8).fill(1)];
    const codes = generateBackupCodes(scripted(bytes), 2);
    assert.deepEqual(codes, ['00000000', '11111111']);
  });

  test('a source that keeps repeating itself is a bug: it throws instead of spinning', () => {
    assert.throws(() => generateBackupCodes(scripted([7])), /repeating/);
  });

  test('normalization: case, spaces, dashes and Crockford confusables do not matter', () => {
    assert.equal(normalizeBackupCode('ab12cd34'), 'ab12cd34');
    assert.equal(normalizeBackupCode(' AB12-CD34 '), 'ab12cd34');
    assert.equal(normalizeBackupCode('ab12 cd34'), 'ab12cd34');
    assert.equal(normalizeBackupCode('OIL0abcd'), '0110abcd');
  });

  test('normalization refuses what cannot be a code', () => {
    for (const input of ['', 'abc', 'ab12cd345', 'ab12cd3u', 'ab12cd3!', 'äb12cd34', '１２３４５６７８', 'a'.repeat(10_000)]) {
      assert.equal(normalizeBackupCode(input), null, input);
    }
  });

  test('the hashed secret names the purpose and the user, so equal codes of two users differ', () => {
    const hasher = createKeyedHasher(Buffer.alloc(32, 1));
    const a = hasher.hash(backupCodeSecret('user_a', 'ab12cd34'));
    const b = hasher.hash(backupCodeSecret('user_b', 'ab12cd34'));
    assert.notEqual(a, b);
    assert.ok(hasher.matches(backupCodeSecret('user_a', 'ab12cd34'), a));
    assert.ok(!hasher.matches(backupCodeSecret('user_a', 'ab12cd35'), a));
    assert.ok(!a.includes('ab12cd34'));
  });
});
