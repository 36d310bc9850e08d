import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { useServer } from '../helpers/server.js';

/**
 * The served description against Clerk's (test/reference): for every
 * operation on users and phone numbers, the same path and method, the same
 * operationId, the same required path/query parameters and request-body
 * fields, no request field Clerk does not have, and the same required fields
 * in every response schema, followed through nested objects, arrays and the
 * verification union. Each deliberate difference is listed below with its
 * reason; anything else that differs fails, and so does a listed difference
 * that no longer exists.
 */

type Json = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const TAGS = ['Users', 'Phone Numbers'];

/** Operations of Clerk's users and phone numbers that Callsign does not serve, each with why. */
const NOT_SERVED: Readonly<Record<string, string>> = {
  'POST /users/{user_id}/ban': 'Callsign has no sign-in or sessions, so a ban would block nothing (banned is always false).',
  'POST /users/{user_id}/unban': 'No bans (see ban).',
  'POST /users/ban': 'No bans (see ban).',
  'POST /users/unban': 'No bans (see ban).',
  'POST /users/{user_id}/lock': 'No sign-in attempts to lock out (locked is always false).',
  'POST /users/{user_id}/unlock': 'No locks (see lock).',
  'POST /users/{user_id}/profile_image': 'Callsign stores no images (has_image is always false).',
  'DELETE /users/{user_id}/profile_image': 'No images (see profile_image).',
  'GET /users/{user_id}/billing/subscription': 'Callsign has no billing.',
  'GET /users/{user_id}/billing/credits': 'Callsign has no billing.',
  'POST /users/{user_id}/billing/credits': 'Callsign has no billing.',
  'GET /users/{user_id}/oauth_access_tokens/{provider}': 'Callsign has no OAuth accounts.',
  'GET /users/{user_id}/organization_memberships': 'Callsign has no organizations.',
  'GET /users/{user_id}/organization_invitations': 'Callsign has no organizations.',
  'POST /users/{user_id}/remove_password': 'Callsign keeps no passwords (password_enabled is always false).',
  'POST /users/{user_id}/verify_password': 'No passwords.',
  'POST /users/{user_id}/password/set_compromised': 'No passwords.',
  'POST /users/{user_id}/password/unset_compromised': 'No passwords.',
  'DELETE /users/{user_id}/passkeys/{passkey_identification_id}': 'Callsign has no passkeys.',
  'GET /users/{user_id}/trusted_devices': 'Callsign has no devices or sessions.',
  'DELETE /users/{user_id}/trusted_devices/{trusted_device_id}': 'No devices (see trusted_devices).',
  'DELETE /users/{user_id}/web3_wallets/{web3_wallet_identification_id}': 'Callsign has no web3 wallets.',
  'DELETE /users/{user_id}/totp': 'Callsign has no TOTP; second factors are phone numbers and backup codes (DESIGN rules 5-6).',
  'DELETE /users/{user_id}/external_accounts/{external_account_id}': 'Callsign has no external accounts.',
};

/**
 * Response fields Callsign's description marks required where Clerk's leaves
 * them optional, keyed by the reference schema they sit in. Callsign always
 * sends them (serialize.ts writes every field), so its description says so;
 * a client reading the reference still reads them, as optional fields.
 */
const EXTRA_REQUIRED: Readonly<Record<string, { readonly fields: readonly string[]; readonly reason: string }>> = {
  PhoneNumber: {
    fields: ['id', 'reserved_for_second_factor', 'default_second_factor', 'backup_codes'],
    reason: 'always sent; backup_codes is null except in the one answer that creates them (rule 6).',
  },
  verification_otp: { fields: ['object', 'channel'], reason: 'always sent: object tells the union apart; channel is always sms.' },
  verification_admin: { fields: ['object'], reason: 'always sent: object tells the union apart.' },
  User: {
    fields: ['private_metadata', 'unsafe_metadata'],
    reason: 'always sent, {} when empty: the backend API is where private metadata is read.',
  },
  DeletedObject: { fields: ['id'], reason: 'always sent: the id of what was deleted.' },
  '_VerificationResponse (PreparePhoneNumberVerification)': {
    fields: ['object', 'id', 'status', 'strategy', 'attempts', 'expire_at', 'channel'],
    reason: 'Clerk marks none required; Callsign always sends all, and id and status are what a caller needs.',
  },
  '_VerificationResponse (AttemptPhoneNumberVerification)': {
    fields: ['object', 'id', 'status', 'strategy', 'attempts', 'expire_at', 'channel'],
    reason: 'as for PreparePhoneNumberVerification.',
  },
  '200 (VerifyTOTP)': { fields: ['verified', 'code_type'], reason: 'Clerk marks none required; both are always sent.' },
  '200 (DisableMFA)': { fields: ['user_id'], reason: 'Clerk marks none required; it is always sent.' },
  '200 (DeleteBackupCode)': { fields: ['user_id'], reason: 'Clerk marks none required; it is always sent.' },
};

/** Request fields Callsign accepts that the reference does not list, keyed by operation, with why. */
const EXTRA_BODY_FIELDS: Readonly<Record<string, { readonly fields: readonly string[]; readonly reason: string }>> = {
  'PATCH /users/{user_id}': {
    fields: ['private_metadata', 'public_metadata', 'unsafe_metadata'],
    reason: "@clerk/backend's updateUser still sends them (deprecated there, in favour of the /metadata routes); accepted so that client works unchanged.",
  },
};

/** Body fields the reference requires that Callsign accepts left out: a superset, so a client that sends them works unchanged. */
const OPTIONAL_BODY_FIELDS: Readonly<Record<string, { readonly fields: readonly string[]; readonly reason: string }>> = {
  'POST /phone_numbers/{phone_number_id}/attempt_verification': {
    fields: ['verification_id'],
    reason: "without it the code is checked against the number's current verification, so a code read on the phone is all a caller needs.",
  },
};

/**
 * User arrays Callsign always answers empty (maxItems 0, items `not: {}`),
 * because it keeps no such objects: there are no items whose required fields
 * could be compared.
 */
const ALWAYS_EMPTY: Readonly<Record<string, string>> = {
  'User.email_addresses': 'Callsign keeps phone numbers only.',
  'User.web3_wallets': 'no web3 wallets.',
  'User.passkeys': 'no passkeys.',
  'User.external_accounts': 'no external accounts.',
  'User.saml_accounts': 'no SAML accounts.',
  'User.enterprise_accounts': 'no enterprise accounts.',
};

const referenceDoc = (): Json =>
  parse(readFileSync(fileURLToPath(new URL('../../../test/reference/clerk-bapi-2026-05-12.yml', import.meta.url)), 'utf8')) as Json;

/** Follows `$ref`s within one document; returns the target and the last component name on the way. */
function deref(doc: Json, node: Json | undefined): { node: Json | undefined; name: string | undefined } {
  let name: string | undefined;
  let current = node;
  while (current !== undefined && typeof current.$ref === 'string') {
    const parts = (current.$ref as string).replace(/^#\//, '').split('/');
    name = parts[parts.length - 1];
    current = parts.reduce<Json | undefined>((acc, part) => acc?.[part], doc);
  }
  return { node: current, name };
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

/** The object variants of a schema: itself, or the members of its oneOf/anyOf other than null. */
function variants(doc: Json, schema: Json | undefined): { node: Json; name: string | undefined }[] {
  const { node, name } = deref(doc, schema);
  if (node === undefined) return [];
  const members = (node.oneOf ?? node.anyOf) as Json[] | undefined;
  if (members === undefined) return [{ node, name }];
  return members.map((m) => deref(doc, m)).filter((m): m is { node: Json; name: string | undefined } => m.node !== undefined && m.node.type !== 'null');
}

const variantKey = (v: { node: Json; name: string | undefined }): string => (v.node.properties?.object?.enum?.[0] as string | undefined) ?? v.name ?? '?';

interface Difference {
  readonly where: string;
  readonly schema: string;
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

/** Compares required fields of a served and a reference schema, recursively. */
function compareRequired(
  served: Json,
  ref: Json,
  s: Json | undefined,
  r: Json | undefined,
  label: string,
  where: string,
  out: Difference[],
  empty: Set<string>,
  depth = 0,
): void {
  if (depth > 8) return;
  const sv = variants(served, s);
  const rv = variants(ref, r);
  if (sv.length === 0 || rv.length === 0) return;
  for (const refVariant of rv) {
    const match = rv.length === 1 && sv.length === 1 ? sv[0] : sv.find((v) => variantKey(v) === variantKey(refVariant));
    if (match === undefined) {
      out.push({ where, schema: refVariant.name ?? label, missing: [`(variant ${variantKey(refVariant)} not described)`], extra: [] });
      continue;
    }
    const schemaName = refVariant.name ?? label;
    const sNode = match.node;
    const rNode = refVariant.node;
    if (rNode.type === 'array' || sNode.type === 'array' || (Array.isArray(sNode.type) && sNode.type.includes('array'))) {
      if (sNode.maxItems === 0) {
        empty.add(label);
        continue;
      }
      compareRequired(served, ref, sNode.items, rNode.items, `${schemaName}[]`, `${where}[]`, out, empty, depth + 1);
      continue;
    }
    const sReq = new Set<string>((sNode.required as string[] | undefined) ?? []);
    const rReq = new Set<string>((rNode.required as string[] | undefined) ?? []);
    const missing = sorted([...rReq].filter((f) => !sReq.has(f)));
    const extra = sorted([...sReq].filter((f) => !rReq.has(f)));
    if (rNode.properties !== undefined || sNode.properties !== undefined) out.push({ where, schema: schemaName, missing, extra });
    for (const [key, refProperty] of Object.entries((rNode.properties ?? {}) as Json)) {
      const servedProperty = (sNode.properties as Json | undefined)?.[key];
      if (servedProperty !== undefined) {
        compareRequired(served, ref, servedProperty, refProperty, `${schemaName}.${key}`, `${where}.${key}`, out, empty, depth + 1);
      }
    }
  }
}

const requiredParams = (doc: Json, operation: Json, location: string): string[] =>
  sorted(
    ((operation.parameters ?? []) as Json[])
      .map((p) => deref(doc, p).node!)
      .filter((p) => p.in === location && p.required === true)
      .map((p) => p.name as string),
  );

const bodySchema = (doc: Json, operation: Json): Json | undefined =>
  deref(doc, deref(doc, operation.requestBody).node?.content?.['application/json']?.schema).node;

const okSchema = (doc: Json, operation: Json): Json | undefined => deref(doc, operation.responses?.['200']).node?.content?.['application/json']?.schema;

function operations(doc: Json, keep: (path: string, operation: Json) => boolean): Map<string, Json> {
  const ops = new Map<string, Json>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method] as Json | undefined;
      if (operation !== undefined && keep(path, operation)) ops.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }
  return ops;
}

/** Every way the served description differs from the reference beyond the listed differences; empty when none. */
function drift(served: Json, reference: Json): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string): void => {
    if (!ok) problems.push(problem);
  };
  const same = (actual: readonly string[], expected: readonly string[], problem: string): void =>
    check(JSON.stringify(sorted(actual)) === JSON.stringify(sorted(expected)), `${problem}: served [${sorted(actual).join(', ')}], expected [${sorted(expected).join(', ')}]`);

  const referenceOps = operations(reference, (_path, op) => ((op.tags ?? []) as string[]).some((t) => TAGS.includes(t)));
  const servedOps = operations(served, (path) => path.startsWith('/users') || path.startsWith('/phone_numbers'));

  // Paths and methods, both ways.
  for (const [key, operation] of servedOps) {
    const ref = referenceOps.get(key);
    check(ref !== undefined, `${key} is served, but the reference has no such operation`);
    check(!(key in NOT_SERVED), `${key} is served, but NOT_SERVED lists it`);
    if (ref !== undefined) check(operation.operationId === ref.operationId, `${key}: operationId ${operation.operationId}, reference ${ref.operationId}`);
  }
  for (const key of referenceOps.keys()) check(servedOps.has(key) || key in NOT_SERVED, `${key} is neither served nor listed in NOT_SERVED`);
  for (const key of Object.keys(NOT_SERVED)) check(referenceOps.has(key), `NOT_SERVED lists ${key}, which the reference does not have`);
  for (const key of Object.keys(EXTRA_BODY_FIELDS)) check(servedOps.has(key), `EXTRA_BODY_FIELDS lists ${key}, which is not served`);
  for (const key of Object.keys(OPTIONAL_BODY_FIELDS)) check(servedOps.has(key), `OPTIONAL_BODY_FIELDS lists ${key}, which is not served`);

  const differences: Difference[] = [];
  const empty = new Set<string>();
  for (const [key, operation] of servedOps) {
    const ref = referenceOps.get(key);
    if (ref === undefined) continue;
    // Required parameters and request-body fields.
    for (const location of ['path', 'query']) same(requiredParams(served, operation, location), requiredParams(reference, ref, location), `${key}: required ${location} parameters`);
    const mine = bodySchema(served, operation);
    const theirs = bodySchema(reference, ref);
    const optional = OPTIONAL_BODY_FIELDS[key]?.fields ?? [];
    same(mine?.required ?? [], ((theirs?.required ?? []) as string[]).filter((field) => !optional.includes(field)), `${key}: required body fields`);
    same(
      Object.keys(mine?.properties ?? {}).filter((field) => !(field in (theirs?.properties ?? {}))),
      EXTRA_BODY_FIELDS[key]?.fields ?? [],
      `${key}: body fields the reference does not have`,
    );
    // Required response fields, all the way down; every error answer is ClerkErrors.
    const label = deref(reference, ref.responses?.['200']).name ?? '200';
    compareRequired(served, reference, okSchema(served, operation), okSchema(reference, ref), `${label} (${ref.operationId})`, `${key} 200`, differences, empty);
    for (const [status, response] of Object.entries((ref.responses ?? {}) as Json)) {
      const refError = deref(reference, response as Json).node?.content?.['application/json']?.schema;
      const mineError = operation.responses?.['4XX']?.content?.['application/json']?.schema;
      if (status.startsWith('4') && refError !== undefined) compareRequired(served, reference, mineError, refError, `${status} (${ref.operationId})`, `${key} ${status}`, differences, empty);
    }
  }
  check(differences.length > 0, 'no response schema was compared');
  const seen = new Set<string>();
  for (const d of differences) {
    same([], d.missing, `${d.where}: fields the reference requires in ${d.schema} that the served description does not`);
    same(d.extra, EXTRA_REQUIRED[d.schema]?.fields ?? [], `${d.where}: fields required in ${d.schema} beyond the reference (list them in EXTRA_REQUIRED if deliberate)`);
    seen.add(d.schema);
  }
  same([...empty], Object.keys(ALWAYS_EMPTY), 'arrays described as always empty');
  for (const name of Object.keys(EXTRA_REQUIRED)) check(seen.has(name), `EXTRA_REQUIRED lists ${name}, which no served operation answers`);
  return [...new Set(problems)];
}

const copy = (doc: Json): Json => structuredClone(doc);

describe('the served OpenAPI description against Clerk reference', () => {
  const running = useServer();
  let served: Json;
  const reference = referenceDoc();

  before(async () => {
    served = (await (await fetch(`${running.server.url}/v1/openapi.json`)).json()) as Json;
  });

  test('paths are written under the /v1 server, as in the reference', () => {
    assert.deepEqual(served.servers?.map((s: Json) => s.url), ['/v1']);
  });

  test('users and phone numbers: same paths, methods, operationIds, required parameters, body fields and response fields, but for the listed differences', () => {
    assert.deepEqual(drift(served, reference), []);
    // Everything the core, verification and second-factor issues serve is compared.
    const compared = [...operations(served, (path) => path.startsWith('/users') || path.startsWith('/phone_numbers')).keys()];
    for (const key of ['POST /phone_numbers', 'PATCH /phone_numbers/{phone_number_id}', 'GET /users', 'DELETE /users/{user_id}']) assert.ok(compared.includes(key), key);
  });

  test('a drift fails: a required body field dropped, or one added', () => {
    const dropped = copy(served);
    dropped.paths['/phone_numbers'].post.requestBody.content['application/json'].schema.required = ['user_id'];
    assert.match(drift(dropped, reference).join('\n'), /POST \/phone_numbers: required body fields: served \[user_id\], expected \[phone_number, user_id\]/);
    const added = copy(served);
    added.paths['/phone_numbers/{phone_number_id}'].patch.requestBody.content['application/json'].schema.required = ['verified'];
    assert.match(drift(added, reference).join('\n'), /PATCH \/phone_numbers\/\{phone_number_id\}: required body fields/);
  });

  test('a drift fails: a body field Clerk does not have', () => {
    const invented = copy(served);
    invented.paths['/phone_numbers'].post.requestBody.content['application/json'].schema.properties.nickname = { type: 'string' };
    assert.match(drift(invented, reference).join('\n'), /POST \/phone_numbers: body fields the reference does not have: served \[nickname\]/);
  });

  test('a drift fails: a response field the reference requires, no longer required (even nested in the verification union)', () => {
    const loose = copy(served);
    loose.components.schemas.PhoneNumber.required = loose.components.schemas.PhoneNumber.required.filter((f: string) => f !== 'reserved');
    assert.match(drift(loose, reference).join('\n'), /fields the reference requires in PhoneNumber that the served description does not: .*expected \[reserved\]/);
    const nested = copy(served);
    nested.components.schemas.verification_otp.required = nested.components.schemas.verification_otp.required.filter((f: string) => f !== 'expire_at');
    assert.match(drift(nested, reference).join('\n'), /requires in verification_otp .*expected \[expire_at\]/);
  });

  test('a drift fails: an unlisted extra required response field', () => {
    const strict = copy(served);
    strict.components.schemas.IdentificationLink.properties.extra = { type: 'string' };
    strict.components.schemas.IdentificationLink.required.push('extra');
    assert.match(drift(strict, reference).join('\n'), /required in IdentificationLink beyond the reference/);
  });

  test('a drift fails: a path or method that moved, or an operation renamed', () => {
    const moved = copy(served);
    moved.paths['/phone_number'] = moved.paths['/phone_numbers'];
    delete moved.paths['/phone_numbers'];
    const problems = drift(moved, reference).join('\n');
    assert.match(problems, /POST \/phone_numbers is neither served nor listed in NOT_SERVED/);
    const renamed = copy(served);
    renamed.paths['/users/{user_id}'].get.operationId = 'FetchUser';
    assert.match(drift(renamed, reference).join('\n'), /GET \/users\/\{user_id\}: operationId FetchUser, reference GetUser/);
  });
});
