import { decodeDeletedObject, decodePhoneNumber, decodeVerificationResponse } from './decoders.js';
import type { DeletedObject, PhoneNumber, VerificationResponse } from './models.js';
import { segment, type Transport } from './transport.js';
import { wire, type IdentificationStatus } from './users-api.js';

export interface CreatePhoneNumberParams {
  /** The user who will hold the number. */
  readonly userId: string;
  /** With + and the country code; spaces, dots, dashes and parentheses are ignored. */
  readonly phoneNumber: string;
  /** Create it verified by an administrator (claimed). @default false */
  readonly verified?: boolean | null;
  /** Make it the user's primary number; it must be claimed. @default false, unless it is the user's first claimed number */
  readonly primary?: boolean | null;
  /** Reserve it as a second factor; it must be verified. @default false */
  readonly reservedForSecondFactor?: boolean | null;
}

export interface UpdatePhoneNumberParams {
  /** true marks it verified by an administrator; false makes it unverified again. */
  readonly verified?: boolean | null;
  readonly primary?: boolean | null;
  readonly reservedForSecondFactor?: boolean | null;
}

export interface ReplacePhoneNumberParams {
  readonly phoneNumber: string;
  /** @default 'verified' */
  readonly identificationStatus?: IdentificationStatus;
}

const flags = (params: UpdatePhoneNumberParams): Record<string, unknown> =>
  wire({ verified: params.verified, primary: params.primary, reserved_for_second_factor: params.reservedForSecondFactor });

/** `/v1/phone_numbers`: numbers, their verification by SMS and their second-factor role. Reached as `callsign.phoneNumbers`. */
export class PhoneNumbersApi {
  constructor(private readonly transport: Transport) {}

  /**
   * Adds a number to a user (`POST /v1/phone_numbers`). When this makes the
   * user's first second factor, the answer's `backupCodes` holds their ten
   * backup codes, shown this once.
   * @example
   * const number = await callsign.phoneNumbers.create({ userId: user.id, phoneNumber: '+1 415 555 0101' });
   */
  create(params: CreatePhoneNumberParams): Promise<PhoneNumber> {
    return this.transport.request(
      { method: 'POST', path: '/v1/phone_numbers', body: { user_id: params.userId, phone_number: params.phoneNumber, ...flags(params) } },
      decodePhoneNumber,
    );
  }

  /**
   * One number (`GET /v1/phone_numbers/{phone_number_id}`).
   * @example
   * const number = await callsign.phoneNumbers.get('idn_…');
   * if (number.verification?.object === 'verification_otp') console.log(number.verification.status);
   */
  get(phoneNumberId: string): Promise<PhoneNumber> {
    return this.transport.request({ method: 'GET', path: `/v1/phone_numbers/${segment(phoneNumberId)}` }, decodePhoneNumber);
  }

  /**
   * Marks a number verified or not, primary, or a second factor (`PATCH /v1/phone_numbers/{phone_number_id}`).
   * @example
   * await callsign.phoneNumbers.update(number.id!, { reservedForSecondFactor: true });
   */
  update(phoneNumberId: string, params: UpdatePhoneNumberParams): Promise<PhoneNumber> {
    return this.transport.request({ method: 'PATCH', path: `/v1/phone_numbers/${segment(phoneNumberId)}`, body: flags(params) }, decodePhoneNumber);
  }

  /**
   * Deletes a number (`DELETE /v1/phone_numbers/{phone_number_id}`); the primary and default second factor move on.
   * @example
   * await callsign.phoneNumbers.delete(number.id!);
   */
  delete(phoneNumberId: string): Promise<DeletedObject> {
    return this.transport.request({ method: 'DELETE', path: `/v1/phone_numbers/${segment(phoneNumberId)}` }, decodeDeletedObject);
  }

  /**
   * Sends a one-time code by SMS (`POST /v1/phone_numbers/{phone_number_id}/prepare_verification`).
   * Throws a 429 `CallsignApiError` with `retryAfter` when a send limit is reached.
   * @example
   * const verification = await callsign.phoneNumbers.prepareVerification(number.id!);
   */
  prepareVerification(phoneNumberId: string): Promise<VerificationResponse> {
    return this.transport.request(
      { method: 'POST', path: `/v1/phone_numbers/${segment(phoneNumberId)}/prepare_verification`, body: {} },
      decodeVerificationResponse,
    );
  }

  /**
   * Checks a code (`POST /v1/phone_numbers/{phone_number_id}/attempt_verification`).
   * The outcome is the answer's `status` — `verified`, `unverified` (wrong
   * code), `failed` (too many wrong codes) or `expired` — not an error. A
   * verification already verified throws a 400 `verification_already_verified`.
   * Without `verificationId`, the code is checked against the number's current
   * verification (the one its latest `prepareVerification` made).
   * @example
   * const { status } = await callsign.phoneNumbers.attemptVerification(number.id!, { verificationId: verification.id, code: '424242' });
   */
  attemptVerification(phoneNumberId: string, params: { readonly verificationId?: string; readonly code: string }): Promise<VerificationResponse> {
    return this.transport.request(
      {
        method: 'POST',
        path: `/v1/phone_numbers/${segment(phoneNumberId)}/attempt_verification`,
        body: { verification_id: params.verificationId, code: params.code },
      },
      decodeVerificationResponse,
    );
  }

  /**
   * Swaps all of a user's numbers for one, atomically (`PUT /v1/users/{user_id}/phone_number`).
   * Replacing a second-factor number turns the user's MFA off.
   * @example
   * await callsign.phoneNumbers.replaceForUser(user.id, { phoneNumber: '+14155550102', identificationStatus: 'reserved' });
   */
  replaceForUser(userId: string, params: ReplacePhoneNumberParams): Promise<PhoneNumber> {
    return this.transport.request(
      {
        method: 'PUT',
        path: `/v1/users/${segment(userId)}/phone_number`,
        body: wire({ phone_number: params.phoneNumber, identification_status: params.identificationStatus }),
      },
      decodePhoneNumber,
    );
  }
}
