import type { PhoneNumber, SmsMessage, User, VerificationResponse } from '@callsign/client';

/** Where a command writes: stdout for results, stderr for prompts and progress. Injected so tests and `--json` keep them apart. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export type Row = readonly string[];

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(header: Row, rows: readonly Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (row: Row): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Label and value pairs, labels aligned. */
export function details(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join('\n') + '\n';
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Unix ms as `2026-05-12 09:30:00Z`; '-' for none. */
export const time = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

const yesNo = (value: boolean | undefined): string => (value ? 'yes' : 'no');

/** One word for a number's state (unverified, reserved, verified; docs/semantics.md), with how it got there. */
function numberState(number: PhoneNumber): string {
  const v = number.verification;
  if (v?.object === 'verification_admin') return 'verified (admin)';
  if (v?.object === 'verification_otp') {
    if (v.status === 'verified') return 'verified (sms)';
    if (number.reserved) return `reserved, code ${v.status}`;
    return v.status === 'unverified' ? 'unverified, code sent' : `unverified, code ${v.status}`;
  }
  return number.reserved ? 'reserved' : 'unverified';
}

function phoneNumbersTable(numbers: readonly PhoneNumber[], primaryId: string | null | undefined): string {
  if (numbers.length === 0) return 'No phone numbers.\n';
  return table(
    ['ID', 'NUMBER', 'STATE', 'PRIMARY', 'SECOND FACTOR', 'CREATED'],
    numbers.map((n) => [
      n.id ?? '-',
      n.phoneNumber,
      numberState(n),
      yesNo(n.id !== undefined && n.id === primaryId),
      n.defaultSecondFactor ? 'default' : yesNo(n.reservedForSecondFactor),
      time(n.createdAt),
    ]),
  );
}

export function phoneNumberDetails(n: PhoneNumber): string {
  const v = n.verification;
  const text = details([
    ['ID', n.id ?? '-'],
    ['Number', n.phoneNumber],
    ['State', numberState(n)],
    ['Reserved', yesNo(n.reserved)],
    ['Second factor', n.defaultSecondFactor ? 'yes (default)' : yesNo(n.reservedForSecondFactor)],
    ['Verification', v === null ? '-' : `${v.strategy} ${v.status}${v.attempts === null ? '' : `, ${v.attempts} attempt(s)`}${v.expireAt === null ? '' : `, expires ${time(v.expireAt)}`}`],
    ['Created', time(n.createdAt)],
    ['Updated', time(n.updatedAt)],
  ]);
  return text + backupCodesNotice(n.backupCodes);
}

/** Backup codes appear in one answer only: say so loudly. */
function backupCodesNotice(codes: readonly string[] | null | undefined): string {
  if (!codes || codes.length === 0) return '';
  return `\nBackup codes (shown this once; store them now):\n${codes.map((c) => `  ${c}`).join('\n')}\n`;
}

const fullName = (u: User): string => [u.firstName, u.lastName].filter((p) => p !== null && p !== '').join(' ') || '-';

export function usersTable(users: readonly User[]): string {
  if (users.length === 0) return 'No users.\n';
  return table(
    ['ID', 'NAME', 'EXTERNAL ID', 'PRIMARY PHONE', 'PHONES', '2FA', 'CREATED'],
    users.map((u) => [
      u.id,
      fullName(u),
      u.externalId ?? '-',
      u.phoneNumbers.find((n) => n.id === u.primaryPhoneNumberId)?.phoneNumber ?? '-',
      String(u.phoneNumbers.length),
      u.twoFactorEnabled ? 'on' : 'off',
      time(u.createdAt),
    ]),
  );
}

export function userDetails(u: User): string {
  const metadata = (value: unknown): string => (value === undefined || value === null || Object.keys(value).length === 0 ? '-' : JSON.stringify(value));
  return (
    details([
      ['ID', u.id],
      ['Name', fullName(u)],
      ['External ID', u.externalId ?? '-'],
      ['Primary phone', u.phoneNumbers.find((n) => n.id === u.primaryPhoneNumberId)?.phoneNumber ?? '-'],
      ['2FA', u.twoFactorEnabled ? `on${u.backupCodeEnabled ? ', backup codes' : ''}` : 'off'],
      ['Public metadata', metadata(u.publicMetadata)],
      ['Private metadata', metadata(u.privateMetadata)],
      ['Unsafe metadata', metadata(u.unsafeMetadata)],
      ['Created', time(u.createdAt)],
      ['Updated', time(u.updatedAt)],
    ]) +
    '\n' +
    phoneNumbersTable(u.phoneNumbers, u.primaryPhoneNumberId)
  );
}

export function verificationDetails(v: VerificationResponse): string {
  return details([
    ['Verification', v.id],
    ['Status', v.status],
    ['Attempts', v.attempts === null ? '-' : String(v.attempts)],
    ['Expires', time(v.expireAt)],
  ]);
}

export const SMS_HEADER: Row = ['SENT', 'TO', 'CODE', 'STATUS', 'PROVIDER', 'MESSAGE'];
/** Fixed widths, so rows printed one by one (`--follow`) line up. */
const SMS_WIDTHS = [20, 16, 10, 10, 9] as const;

export function smsRow(m: SmsMessage): Row {
  return [time(m.createdAt), m.to, m.code ?? '-', m.status, m.provider, m.body.replace(/\s+/g, ' ')];
}

export function fixedLine(row: Row, widths: readonly number[] = SMS_WIDTHS): string {
  return row.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd() + '\n';
}
