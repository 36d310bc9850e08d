import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type ApiResponse, assertError, checked } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';
import { NUMBERS, observe, stepsArb, USERS, type CodeModel, type Observed, type Step } from './second-factor-model.js';

/**
 * Failing cases found by the property, replayed on every run. `seed` and
 * `path` replay fast-check's own shrunk counterexample; `steps` is that
 * counterexample written out, so it still runs if the arbitraries change.
 */
const REGRESSIONS: { readonly note: string; readonly seed?: number; readonly path?: string; readonly steps: Step[] }[] = [
  {
    // MFA turned on, off and on again in one millisecond left mfa_enabled_at
    // equal to mfa_disabled_at, so "enabled after disabled" read as off: the
    // timestamps stopped moving and a later change re-issued backup codes.
    note: 'on, off and on again in one millisecond (unreserve, reserve)',
    seed: -1324528003,
    path: '25:3:0:0:3:6:6:7:6:0:0:1:1:2:3:3:5:5:5:5:6',
    steps: [
      { tick: 0, kind: 'create', u: 0, n: 0, verified: true, rsf: true },
      { tick: 0, kind: 'update', u: 0, k: 0, rsf: false },
      { tick: 0, kind: 'update', u: 0, k: 0, rsf: true },
    ],
  },
  {
    note: 'on, off and on again in one millisecond (delete, create)',
    seed: -2099015271,
    path: '7:2:0:0:0:1:3:5:4:5:6:5:6:6:6:6',
    steps: [
      { tick: 0, kind: 'create', u: 0, n: 0, verified: true, rsf: true },
      { tick: 0, kind: 'delete', u: 0, k: 0 },
      { tick: 0, kind: 'create', u: 0, n: 0, verified: true, rsf: true },
      { tick: 0, kind: 'delete', u: 0, k: 0 },
    ],
  },
];

/** Runs per store, bounded so the suite stays well under a minute on two cores. */
const NUM_RUNS = Number(process.env.CALLSIGN_PROPERTY_RUNS ?? 100);
const CODE = /^[0-9a-hjkmnp-tv-z]{8}$/;

interface Outcome {
  readonly responses: ApiResponse[];
  /** The user whose primary an accepted `primary: true` set, and to which number. */
  readonly primarySet?: { readonly u: number; readonly id: string };
  /** Backup codes a response carried, and whose they are. */
  readonly issued?: { readonly u: number; readonly codes: string[]; readonly response: ApiResponse };
}

for (const storeFactory of storeFactories()) {
  describe(`second-factor rules hold under random sequences (${storeFactory.name})`, () => {
    const clock = new TestClock();
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory, clock }).api);

    /** One whole sequence on fresh users; the users are deleted after, which frees the shared numbers. */
    async function run(steps: readonly Step[]): Promise<void> {
      const users: string[] = [];
      for (let i = 0; i < USERS; i++) users.push((await api('POST', '/v1/users', { body: {} })).body.id);
      const codes: CodeModel[] = users.map(() => ({ unused: new Set(), used: new Set() }));
      const everIssued = new Set<string>();
      const snapshot = async (): Promise<{ users: Observed[]; text: string; numbers: Map<string, unknown> }> => {
        const res = await api('GET', `/v1/users?limit=10&${users.map((id) => `user_id=${id}`).join('&')}`);
        assert.equal(res.status, 200);
        const byId = new Map<string, any>(res.body.map((u: any) => [u.id, u]));
        const numbers = new Map<string, unknown>(res.body.flatMap((u: any) => u.phone_numbers.map((n: any) => [n.id, n])));
        return { users: users.map((id) => observe(byId.get(id))), text: res.text, numbers };
      };
      // Every number ever seen in this run: a read by id (which the SQLite store
      // serves from memory) must agree with the tables as the user list reads
      // them, and a number that is gone must be gone, whichever path removed it.
      const seen = new Set<string>();
      const checkReadsById = async (listed: ReadonlyMap<string, unknown>, where: string): Promise<void> => {
        for (const id of listed.keys()) seen.add(id);
        for (const id of seen) {
          const res = await api('GET', `/v1/phone_numbers/${id}`);
          const expected = listed.get(id);
          if (expected === undefined) assertError(res, 404, 'resource_not_found');
          else assert.deepEqual(res.body, expected, `${where}: GET /v1/phone_numbers/${id} disagrees with GET /v1/users`);
        }
      };
      try {
        let prev = (await snapshot()).users;
        for (const [index, step] of steps.entries()) {
          clock.advance(step.tick);
          const where = `step ${index}: ${JSON.stringify(step)}`;
          const out = await perform(step, prev, users, codes, where);
          const next = await snapshot();

          // Backup codes appear in the response that issued them and nowhere else, ever.
          const fresh = out.issued?.codes ?? [];
          for (const res of out.responses) {
            for (const code of [...everIssued, ...(res === out.issued?.response ? [] : fresh)]) {
              assert.ok(!res.text.includes(code), `${where}: a backup code reappeared in a response`);
            }
          }
          for (const code of [...everIssued, ...fresh]) assert.ok(!next.text.includes(code), `${where}: a backup code reappeared in GET /v1/users`);
          if (out.issued !== undefined) {
            assert.equal(fresh.length, 10, where);
            assert.equal(new Set(fresh).size, 10, where);
            for (const code of fresh) assert.match(code, CODE, where);
            for (const code of fresh) everIssued.add(code);
            codes[out.issued.u] = { unused: new Set(fresh), used: codes[out.issued.u]!.used };
          }

          checkRules(prev, next.users, out, codes, where);
          await checkReadsById(next.numbers, where);
          prev = next.users;
        }
        // The single-user read agrees with the list on everything the rules are about.
        for (const [i, id] of users.entries()) {
          assert.deepEqual(observe((await api('GET', `/v1/users/${id}`)).body), prev[i], `GET /v1/users/${id} after the sequence`);
        }
      } finally {
        for (const id of users) await api('DELETE', `/v1/users/${id}`);
      }
      // Deleting the users removed their numbers too (a cascade in the database).
      await checkReadsById(new Map(), 'after deleting the users');
    }

    async function perform(step: Step, prev: readonly Observed[], users: readonly string[], codes: CodeModel[], where: string): Promise<Outcome> {
      const userId = users[step.u]!;
      const mine = prev[step.u]!;
      const pick = (k: number) => (mine.numbers.length === 0 ? undefined : mine.numbers[k % mine.numbers.length]);
      const expectStatus = (res: ApiResponse, allowed: number[]): void =>
        assert.ok(allowed.includes(res.status), `${where}: status ${res.status} not in ${allowed}: ${res.text}`);
      const issuedBy = (res: ApiResponse): Outcome['issued'] =>
        res.status === 200 && res.body.backup_codes !== null ? { u: step.u, codes: res.body.backup_codes, response: res } : undefined;

      switch (step.kind) {
        case 'create': {
          const body = { user_id: userId, phone_number: NUMBERS[step.n], verified: step.verified, primary: step.primary, reserved_for_second_factor: step.rsf };
          const res = await api('POST', '/v1/phone_numbers', { body });
          if ((step.rsf === true || step.primary === true) && !step.verified) {
            assertError(res, 422, 'form_param_value_invalid');
          } else if (mine.numbers.some((p) => p.e164 === NUMBERS[step.n])) {
            assertError(res, 422, 'form_identifier_exists', 'phone_number');
          } else {
            expectStatus(res, [200, 422]);
          }
          if (res.status === 200) assert.equal(res.body.reserved_for_second_factor, step.rsf === true, where);
          return { responses: [res], primarySet: res.status === 200 && step.primary ? { u: step.u, id: res.body.id } : undefined, issued: issuedBy(res) };
        }
        case 'update': {
          const target = pick(step.k);
          const body = { verified: step.verified, primary: step.primary, reserved_for_second_factor: step.rsf };
          const res = await api('PATCH', `/v1/phone_numbers/${target?.id ?? 'idn_missing'}`, { body });
          if (target === undefined) {
            assertError(res, 404, 'resource_not_found');
            return { responses: [res] };
          }
          const verified = step.verified ?? target.verified;
          if ((step.rsf === true && !verified) || (step.primary === true && !(verified || target.reserved))) {
            assertError(res, 422, 'form_param_value_invalid');
          } else {
            expectStatus(res, [200, 422]);
          }
          if (res.status === 200) {
            const reservedForSecondFactor = verified && (step.rsf ?? target.reservedForSecondFactor);
            assert.equal(res.body.reserved_for_second_factor, reservedForSecondFactor, `${where}: reserved_for_second_factor`);
          }
          return { responses: [res], primarySet: res.status === 200 && step.primary ? { u: step.u, id: target.id } : undefined, issued: issuedBy(res) };
        }
        case 'verify': {
          const target = pick(step.k);
          const res = await api('PATCH', `/v1/phone_numbers/${target?.id ?? 'idn_missing'}`, { body: { verified: true } });
          expectStatus(res, target === undefined ? [404] : [200, 422]);
          return { responses: [res], issued: issuedBy(res) };
        }
        case 'delete': {
          const target = pick(step.k);
          const res = await api('DELETE', `/v1/phone_numbers/${target?.id ?? 'idn_missing'}`);
          expectStatus(res, target === undefined ? [404] : [200]);
          return { responses: [res] };
        }
        case 'replace': {
          const res = await api('PUT', `/v1/users/${userId}/phone_number`, { body: { phone_number: NUMBERS[step.n], identification_status: step.status } });
          expectStatus(res, [200, 422]);
          if (res.status === 200) {
            assert.equal(res.body.backup_codes, null, where);
            assert.equal(res.body.reserved_for_second_factor, false, where);
          }
          return { responses: [res] };
        }
        case 'verify_totp': {
          const model = codes[step.u]!;
          const from = step.which === 'unused' ? [...model.unused] : step.which === 'used' ? [...model.used] : [];
          const code = from.length === 0 ? 'zzzz9999' : from[step.k % from.length]!;
          const res = await api('POST', `/v1/users/${userId}/verify_totp`, { body: { code } });
          if (!mine.twoFactor) {
            assertError(res, 400, 'second_factor_not_enabled');
          } else if (model.unused.has(code)) {
            assert.equal(res.status, 200, `${where}: an unused code must verify: ${res.text}`);
            assert.deepEqual(res.body, { verified: true, code_type: 'backup_code' }, where);
            model.unused.delete(code);
            model.used.add(code);
          } else {
            assertError(res, 422, 'form_code_incorrect', 'code');
          }
          return { responses: [res] };
        }
        case 'delete_backup_codes': {
          const res = await api('DELETE', `/v1/users/${userId}/backup_code`);
          assert.deepEqual([res.status, res.body], [200, { user_id: userId }], where);
          codes[step.u] = { unused: new Set(), used: new Set([...codes[step.u]!.used, ...codes[step.u]!.unused]) };
          return { responses: [res] };
        }
        case 'disable_mfa': {
          const res = await api('DELETE', `/v1/users/${userId}/mfa`);
          assert.deepEqual([res.status, res.body], [200, { user_id: userId }], where);
          return { responses: [res] };
        }
      }
    }

    /** The invariants, checked on every user after every step, and the transitions between two snapshots. */
    function checkRules(prev: readonly Observed[], next: readonly Observed[], out: Outcome, codes: CodeModel[], where: string): void {
      const holders = new Map<string, { claimed: number; all: number }>();
      for (const [i, user] of next.entries()) {
        const before = prev[i]!;
        const at = `${where}: user ${i}`;
        const defaults = user.numbers.filter((p) => p.defaultSecondFactor);
        assert.ok(defaults.length <= 1, `${at}: more than one default second factor`);
        for (const p of user.numbers) {
          if (p.defaultSecondFactor) assert.ok(p.reservedForSecondFactor, `${at}: a default that is not reserved`);
          if (p.reservedForSecondFactor) assert.ok(p.verified, `${at}: a second factor that is not verified`);
          assert.equal(p.backupCodes, null, `${at}: backup_codes on a User's number`);
          const h = holders.get(p.e164) ?? { claimed: 0, all: 0 };
          holders.set(p.e164, { claimed: h.claimed + (p.claimed ? 1 : 0), all: h.all + 1 });
        }
        const reserved = user.numbers.filter((p) => p.reservedForSecondFactor);
        assert.equal(user.twoFactor, reserved.length > 0, `${at}: two_factor_enabled`);
        if (reserved.length > 0) assert.equal(defaults.length, 1, `${at}: second factors but no default`);

        // Rule 5's promotion: the default stays while reserved, else the oldest reserved number.
        const kept = before.numbers.find((p) => p.defaultSecondFactor);
        const keptNow = kept && user.numbers.find((p) => p.id === kept.id && p.reservedForSecondFactor);
        assert.equal(defaults[0]?.id, keptNow?.id ?? reserved[0]?.id, `${at}: default_second_factor`);

        // Rule 4: primary is null or a claimed number of theirs; it stays while claimed, else the oldest claimed.
        const claimed = user.numbers.filter((p) => p.claimed);
        if (user.primaryId !== null) assert.ok(claimed.some((p) => p.id === user.primaryId), `${at}: primary is not a claimed number of theirs`);
        const oldPrimary = before.primaryId === null ? undefined : claimed.find((p) => p.id === before.primaryId);
        const expectedPrimary = out.primarySet?.u === i ? out.primarySet.id : (oldPrimary?.id ?? claimed[0]?.id ?? null);
        assert.equal(user.primaryId, expectedPrimary, `${at}: primary_phone_number_id`);

        // MFA timestamps move exactly on the transitions, and say which way MFA is.
        const turnedOn = !before.twoFactor && user.twoFactor;
        const turnedOff = before.twoFactor && !user.twoFactor;
        if (turnedOn) assert.notEqual(user.mfaEnabledAt, before.mfaEnabledAt, `${at}: mfa_enabled_at`);
        else assert.equal(user.mfaEnabledAt, before.mfaEnabledAt, `${at}: mfa_enabled_at moved`);
        if (turnedOff) assert.notEqual(user.mfaDisabledAt, before.mfaDisabledAt, `${at}: mfa_disabled_at`);
        else assert.equal(user.mfaDisabledAt, before.mfaDisabledAt, `${at}: mfa_disabled_at moved`);
        const onByTimestamps = user.mfaEnabledAt !== null && (user.mfaDisabledAt === null || user.mfaEnabledAt > user.mfaDisabledAt);
        assert.equal(onByTimestamps, user.twoFactor, `${at}: the timestamps disagree with two_factor_enabled`);

        // Rule 6: codes are issued exactly when the first second factor is turned on, and go with the last one.
        assert.equal(out.issued?.u === i, turnedOn, `${at}: backup codes issued ${out.issued?.u === i} while MFA turned on ${turnedOn}`);
        if (!user.twoFactor) codes[i] = { unused: new Set(), used: new Set([...codes[i]!.used, ...codes[i]!.unused]) };
        assert.equal(user.backupCodeEnabled, codes[i]!.unused.size > 0, `${at}: backup_code_enabled`);
      }
      for (const [e164, h] of holders) {
        assert.ok(h.claimed <= 1, `${where}: ${e164} is claimed by ${h.claimed} users`);
        if (h.claimed === 1) assert.equal(h.all, 1, `${where}: ${e164} is claimed, yet another user holds an unclaimed copy`);
      }
    }

    const property = fc.asyncProperty(stepsArb, async (steps) => run(steps));

    for (const regression of REGRESSIONS) {
      test(`regression: ${regression.note}`, async () => {
        await run(regression.steps);
        if (regression.seed !== undefined) {
          await fc.assert(property, { seed: regression.seed, path: regression.path, endOnFailure: true, includeErrorInReport: true });
        }
      });
    }

    test(`random sequences of create / update / verify / delete / replace / verify_totp / DELETE backup_code and mfa (${NUM_RUNS} runs)`, async () => {
      await fc.assert(property, { numRuns: NUM_RUNS, includeErrorInReport: true });
    });
  });
}
