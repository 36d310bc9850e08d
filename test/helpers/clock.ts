import type { Clock } from '../../src/domain/ports.js';

/** A clock tests move by hand, so expiry and ordering need no sleeping. */
export class TestClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
