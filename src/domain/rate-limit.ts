/** The rolling window of the hourly caps. */
export const HOUR_MS = 60 * 60_000;

/** Which limit refused a send. */
export type LimitKind = 'cooldown' | 'number_hourly' | 'key_hourly';

export type LimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly limit: LimitKind; readonly retryAfterMs: number };

const ALLOWED: LimitDecision = Object.freeze({ allowed: true });

/**
 * A rolling-window cap: at most `max` events in any `windowMs`. `recent` are
 * the times of the events inside the window ending at `now`, oldest first.
 * When full, the wait is until the oldest event that must leave the window
 * has left it.
 */
export function checkWindow(recent: readonly number[], now: number, max: number, windowMs: number, limit: LimitKind): LimitDecision {
  const inWindow = recent.filter((at) => at > now - windowMs);
  if (inWindow.length < max) return ALLOWED;
  const frees = inWindow[inWindow.length - max]! + windowMs;
  return { allowed: false, limit, retryAfterMs: Math.max(1, frees - now) };
}

/** A resend cooldown: at least `cooldownMs` between two events. */
export function checkCooldown(last: number | undefined, now: number, cooldownMs: number): LimitDecision {
  if (last === undefined || cooldownMs <= 0 || now - last >= cooldownMs) return ALLOWED;
  return { allowed: false, limit: 'cooldown', retryAfterMs: last + cooldownMs - now };
}

/** Retry-After is whole seconds, rounded up, never 0 (0 would invite an immediate retry that fails again). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The first refusal among several decisions, or allowed. The longest wait wins, so one retry after it passes every limit. */
export function combine(decisions: readonly LimitDecision[]): LimitDecision {
  let worst: LimitDecision = ALLOWED;
  for (const d of decisions) {
    if (!d.allowed && (worst.allowed || d.retryAfterMs > worst.retryAfterMs)) worst = d;
  }
  return worst;
}
