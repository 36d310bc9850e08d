import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toE164 } from '../domain/phone.js';
import type { UserService } from '../service/user.service.js';
import type { UserFilter } from '../domain/user.js';
import { ClerkErrors, DeletedObject } from './schemas/common.js';
import {
  CREATE_USER_UNSUPPORTED,
  CreateUserBody,
  ReplacePhoneNumberBody,
  TotalCount,
  UPDATE_USER_UNSUPPORTED,
  USER_FILTERS_UNSUPPORTED,
  UpdateUserBody,
  User,
  UserCountQuery,
  UserListQuery,
  ReplaceUserMetadataBody,
  UserMetadataBody,
  UserParams,
} from './schemas/user.schema.js';
import { sendJson } from './json-reply.js';
import { phoneNumberJson, userJson } from './serialize.js';
import { Type } from '@sinclair/typebox';
import { PhoneNumber } from './schemas/phone-number.schema.js';

const tags = ['Users'];
const errorResponses = { '4xx': ClerkErrors };

/**
 * Phone-number filters are normalized like stored numbers. A `+` sent
 * unencoded in a query string arrives as a space, so a leading space is read
 * as the `+` it was; a value that is no number matches nobody.
 */
function filterOf(query: Static<typeof UserCountQuery>): UserFilter {
  return {
    userIds: query.user_id,
    externalIds: query.external_id,
    phoneNumbers: query.phone_number?.map((value) => toE164(value.replace(/^ (?=\d)/, '+')) ?? value),
    query: query.query,
  };
}

export function registerUserRoutes(app: FastifyInstance, users: UserService): void {
  app.post<{ Body: Static<typeof CreateUserBody> }>(
    '/v1/users',
    {
      schema: {
        operationId: 'CreateUser',
        tags,
        summary: 'Create a new user',
        description: [
          'Creates a new user. A user needs no identifier: `{}` creates one, and phone numbers can be added later.',
          '',
          'By default, any phone number created using this method is marked as verified (strategy `admin`). Use the ' +
            '`phone_number_identification_status` array to instead create some or all of them as reserved (unverified but usable ' +
            'for sign-in and locked so no other user can claim them) or unverified. The first claimed phone number becomes primary. ' +
            'It is all or nothing: if another user holds one of the numbers claimed (422 form_identifier_exists), no user is created.',
          '',
          'Callsign keeps users and phone numbers only: fields Clerk accepts for email addresses, usernames, web3 wallets, passwords, ' +
            'TOTP and the like are refused with 422 form_param_unsupported naming the field.',
        ].join('\n'),
        body: CreateUserBody,
        response: { 200: User, ...errorResponses },
      },
      config: { unsupported: CREATE_USER_UNSUPPORTED },
    },
    async (request, reply) => {
      const body = request.body;
      const view = await users.create({
        externalId: body.external_id,
        firstName: body.first_name,
        lastName: body.last_name,
        phoneNumbers: body.phone_number,
        phoneNumberStatuses: body.phone_number_identification_status,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
        unsafeMetadata: body.unsafe_metadata,
      });
      return sendJson(reply, 200, userJson(view));
    },
  );

  app.get<{ Querystring: Static<typeof UserListQuery> }>(
    '/v1/users',
    {
      schema: {
        operationId: 'GetUserList',
        tags,
        summary: 'List all users',
        description: [
          'Returns a list of users, sorted by creation date with the newest users first (see `order_by`).',
          'The filters combine: a user is returned when they match every filter given, and one of the values of each.',
          '',
          'To walk many pages, paginate with `starting_after` (the last ID of the previous page) rather than a growing `offset`.',
          'Filters Clerk has and Callsign does not (email address, username, web3 wallet, organization, activity and sign-in ' +
            'times, …) are refused with 422 form_param_unsupported: ignoring them would return users that do not match.',
        ].join('\n'),
        querystring: UserListQuery,
        response: { 200: Type.Array(User), ...errorResponses },
      },
      config: { unsupported: USER_FILTERS_UNSUPPORTED },
    },
    async (request, reply) => {
      const q = request.query;
      const orderBy = q.order_by ?? '-created_at';
      const views = await users.list(filterOf(q), {
        orderBy: orderBy.endsWith('updated_at') ? 'updated_at' : 'created_at',
        direction: orderBy.startsWith('-') ? 'desc' : 'asc',
        limit: q.limit ?? 10,
        offset: q.offset ?? 0,
        startingAfter: q.starting_after,
      });
      return sendJson(reply, 200, views.map((view) => userJson(view)));
    },
  );

  app.get<{ Querystring: Static<typeof UserCountQuery> }>(
    '/v1/users/count',
    {
      schema: {
        operationId: 'GetUsersCount',
        tags,
        summary: 'Count users',
        description:
          'Returns a total count of all users that match the given filtering criteria (the filters of the list). ' +
          "The list's paging parameters (`limit`, `offset`, `order_by`, `starting_after`) are accepted and ignored, " +
          "since Clerk's SDKs send them to the count too.",
        querystring: UserCountQuery,
        response: { 200: TotalCount, ...errorResponses },
      },
      config: { unsupported: USER_FILTERS_UNSUPPORTED },
    },
    async (request, reply) => sendJson(reply, 200, { object: 'total_count', total_count: await users.count(filterOf(request.query)) }),
  );

  app.get<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:user_id',
    {
      schema: {
        operationId: 'GetUser',
        tags,
        summary: 'Retrieve a user',
        description: 'Retrieve the details of a user, with their phone numbers. An unknown ID is 404 resource_not_found.',
        params: UserParams,
        response: { 200: User, ...errorResponses },
      },
    },
    async (request, reply) => sendJson(reply, 200, userJson(await users.get(request.params.user_id))),
  );

  app.patch<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>(
    '/v1/users/:user_id',
    {
      schema: {
        operationId: 'UpdateUser',
        tags,
        summary: 'Update a user',
        description: [
          "Update a user's attributes. Fields left out are unchanged; `null` clears a nullable one.",
          '',
          "You can set the user's primary phone number by updating `primary_phone_number_id`: it must be one of the user's " +
            'claimed (verified or reserved) phone numbers.',
          '',
          'The three metadata fields are still accepted here and replace the stored objects, as before Clerk API version ' +
            '2026-05-12; use `PATCH /users/{user_id}/metadata` to merge updates into existing metadata, or ' +
            '`PUT /users/{user_id}/metadata` to replace a metadata field entirely. Fields for email addresses, usernames, ' +
            'passwords, TOTP and the like are refused with 422 form_param_unsupported.',
        ].join('\n'),
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: User, ...errorResponses },
      },
      config: { unsupported: UPDATE_USER_UNSUPPORTED },
    },
    async (request, reply) => {
      const body = request.body;
      const view = await users.update(request.params.user_id, {
        externalId: body.external_id,
        firstName: body.first_name,
        lastName: body.last_name,
        primaryPhoneNumberId: body.primary_phone_number_id,
        publicMetadata: body.public_metadata,
        privateMetadata: body.private_metadata,
        unsafeMetadata: body.unsafe_metadata,
      });
      return sendJson(reply, 200, userJson(view));
    },
  );

  app.put<{ Params: Static<typeof UserParams>; Body: Static<typeof ReplacePhoneNumberBody> }>(
    '/v1/users/:user_id/phone_number',
    {
      schema: {
        operationId: 'ReplaceUserPhoneNumber',
        tags: ['Phone Numbers'],
        summary: "Replace a user's phone number",
        description: [
          "Replaces all of the user's phone numbers with a single phone number, in one transaction.",
          'By default the new phone number is created verified, with the admin verification strategy, and becomes primary.',
          'When `identification_status` is `reserved` it is created reserved instead: unverified but usable for sign-in and ' +
            'locked so no other user can claim it. When it is `unverified` the phone number is neither usable for sign-in nor ' +
            'locked, and the user is left without a primary phone number.',
          'The new phone number is never reserved for second factor: replacing a phone number that is reserved for second ' +
            "factor disables the user's MFA (and removes their backup codes). If another user holds the new number claimed " +
            '(422 form_identifier_exists), nothing changes.',
        ].join('\n'),
        params: UserParams,
        body: ReplacePhoneNumberBody,
        response: { 200: PhoneNumber, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { phone_number, identification_status } = request.body;
      const number = await users.replacePhoneNumber(request.params.user_id, phone_number, identification_status);
      return sendJson(reply, 200, phoneNumberJson(number));
    },
  );

  const metadataDocs = {
    UpdateUserMetadata: {
      summary: "Merge and update a user's metadata",
      description: [
        "Update a user's metadata attributes by merging existing values with the provided parameters.",
        '',
        'This endpoint behaves differently than the *Update a user* endpoint: metadata values are not replaced entirely. ' +
          'Instead, a deep merge is performed: nested JSON objects are merged as well. ' +
          'You can remove metadata keys at any level by setting their value to `null`.',
      ].join('\n'),
    },
    ReplaceUserMetadata: {
      summary: "Replace a user's metadata",
      description: [
        "Replace a user's metadata attributes with the provided values.",
        '',
        'Unlike `PATCH /users/{user_id}/metadata` (merge semantics), this endpoint replaces the supplied metadata fields ' +
          'entirely: the prior contents of each supplied field are discarded. Fields omitted from the request body are left unchanged.',
      ].join('\n'),
    },
  } as const;
  for (const [method, mode, operationId, body] of [
    ['PATCH', 'merge', 'UpdateUserMetadata', UserMetadataBody],
    ['PUT', 'replace', 'ReplaceUserMetadata', ReplaceUserMetadataBody],
  ] as const) {
    app.route<{ Params: Static<typeof UserParams>; Body: Static<typeof UserMetadataBody> }>({
      method,
      url: '/v1/users/:user_id/metadata',
      schema: { operationId, tags, ...metadataDocs[operationId], params: UserParams, body, response: { 200: User, ...errorResponses } },
      handler: async (request, reply) => {
        const body = request.body;
        const view = await users.updateMetadata(
          request.params.user_id,
          { publicMetadata: body.public_metadata, privateMetadata: body.private_metadata, unsafeMetadata: body.unsafe_metadata },
          mode,
        );
        return sendJson(reply, 200, userJson(view));
      },
    });
  }

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:user_id',
    {
      schema: {
        operationId: 'DeleteUser',
        tags,
        summary: 'Delete a user',
        description: 'Delete the specified user, with their phone numbers and backup codes. Answers a DeletedObject: `{object: "user", id, deleted: true}`.',
        params: UserParams,
        response: { 200: DeletedObject, ...errorResponses },
      },
    },
    async (request, reply) => sendJson(reply, 200, await users.delete(request.params.user_id)),
  );
}
