import assert from 'node:assert/strict';
import type { Api } from '../helpers/api.js';

/**
 * Real (non-test-mode) numbers that libphonenumber classes as mobile or
 * fixed-line-or-mobile: +1 415 201 xxxx, a fresh one per call, so limits of
 * one test never touch another.
 */
let next = 1000;
export function freshNumber(): string {
  next += 1;
  return `+1415201${String(next).padStart(4, '0')}`;
}

/** Helpers over the HTTP API for the verification suites. */
export function verificationApi(api: Api) {
  return {
    async newNumber(phoneNumber: string, extra: Record<string, unknown> = {}): Promise<{ userId: string; id: string; body: any }> {
      const user = (await api('POST', '/v1/users', { body: {} })).body;
      const res = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: phoneNumber, ...extra } });
      assert.equal(res.status, 200, res.text);
      return { userId: user.id, id: res.body.id, body: res.body };
    },
    prepare: (id: string, options: { key?: string; body?: unknown } = {}) =>
      api('POST', `/v1/phone_numbers/${id}/prepare_verification`, { body: options.body ?? {}, ...(options.key ? { key: options.key } : {}) }),
    attempt: (id: string, verificationId: string, code: string) =>
      api('POST', `/v1/phone_numbers/${id}/attempt_verification`, { body: { verification_id: verificationId, code } }),
    number: async (id: string): Promise<any> => (await api('GET', `/v1/phone_numbers/${id}`)).body,
    /** The development inbox, newest first. */
    inbox: async (phoneNumber?: string): Promise<any[]> => {
      const query = phoneNumber === undefined ? '' : `?phone_number=${encodeURIComponent(phoneNumber)}`;
      const res = await api('GET', `/v1/dev/sms_messages${query}`);
      assert.equal(res.status, 200, res.text);
      return res.body.data;
    },
    /** The code of the newest message to `phoneNumber` (log provider and test mode only). */
    async codeFor(phoneNumber: string): Promise<string> {
      const [latest] = await this.inbox(phoneNumber);
      assert.ok(latest?.code, `no code in the inbox for ${phoneNumber}`);
      return latest.code;
    },
  };
}

/** A code that is certainly not `code`. */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/** Polls `check` until it holds, for background work on real timers (SMS retries). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
