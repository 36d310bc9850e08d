import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkCooldown, checkWindow, combine, HOUR_MS, retryAfterSeconds } from '../../src/domain/rate-limit.js';

const now = Date.UTC(2026, 0, 1, 12);

describe('send limits (rule 8)', () => {
  test('cooldown: refused until cooldown has passed since the last send, with the exact wait', () => {
    assert.deepEqual(checkCooldown(undefined, now, 30_000), { allowed: true });
    assert.deepEqual(checkCooldown(now - 10_000, now, 30_000), { allowed: false, limit: 'cooldown', retryAfterMs: 20_000 });
    assert.deepEqual(checkCooldown(now - 30_000, now, 30_000), { allowed: true });
    assert.deepEqual(checkCooldown(now, now, 0), { allowed: true }, 'a cooldown of 0 is off');
  });

  test('rolling window: the sixth send in an hour waits for the oldest to leave the window', () => {
    const sent = [now - 50 * 60_000, now - 40 * 60_000, now - 30 * 60_000, now - 20 * 60_000];
    assert.deepEqual(checkWindow(sent, now, 5, HOUR_MS, 'number_hourly'), { allowed: true });
    const full = [...sent, now - 10 * 60_000];
    assert.deepEqual(checkWindow(full, now, 5, HOUR_MS, 'number_hourly'), { allowed: false, limit: 'number_hourly', retryAfterMs: 10 * 60_000 });
    // Events older than the window do not count.
    assert.deepEqual(checkWindow([now - HOUR_MS, ...sent], now, 5, HOUR_MS, 'number_hourly'), { allowed: true });
  });

  test('rolling window over its cap (after a limit was lowered) waits for enough events to leave', () => {
    const sent = [now - 50 * 60_000, now - 40 * 60_000, now - 30 * 60_000];
    assert.deepEqual(checkWindow(sent, now, 2, HOUR_MS, 'key_hourly'), { allowed: false, limit: 'key_hourly', retryAfterMs: 20 * 60_000 });
  });

  test('Retry-After is whole seconds rounded up, at least 1', () => {
    assert.equal(retryAfterSeconds(1), 1);
    assert.equal(retryAfterSeconds(1000), 1);
    assert.equal(retryAfterSeconds(1001), 2);
    assert.equal(retryAfterSeconds(0), 1);
  });

  test('combine: the longest wait wins, so one retry after it passes every limit', () => {
    const a = { allowed: false as const, limit: 'cooldown' as const, retryAfterMs: 5000 };
    const b = { allowed: false as const, limit: 'number_hourly' as const, retryAfterMs: 60_000 };
    assert.deepEqual(combine([{ allowed: true }, a, b]), b);
    assert.deepEqual(combine([{ allowed: true }]), { allowed: true });
  });
});
