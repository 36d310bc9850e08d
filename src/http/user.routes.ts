import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toE164 } from '../domain/phone.js';
import type { UserService } from '../service/user.service.js';
import type { UserFilter } from '../store/user.repository.js';
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
      schema: { operationId: 'CreateUser', tags, body: CreateUserBody, response: { 200: User, ...errorResponses } },
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
      schema: { operationId: 'GetUserList', tags, querystring: UserListQuery, response: { 200: Type.Array(User), ...errorResponses } },
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
      schema: { operationId: 'GetUsersCount', tags, querystring: UserCountQuery, response: { 200: TotalCount, ...errorResponses } },
      config: { unsupported: USER_FILTERS_UNSUPPORTED },
    },
    async (request, reply) => sendJson(reply, 200, { object: 'total_count', total_count: await users.count(filterOf(request.query)) }),
  );

  app.get<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:user_id',
    { schema: { operationId: 'GetUser', tags, params: UserParams, response: { 200: User, ...errorResponses } } },
    async (request, reply) => sendJson(reply, 200, userJson(await users.get(request.params.user_id))),
  );

  app.patch<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>(
    '/v1/users/:user_id',
    {
      schema: { operationId: 'UpdateUser', tags, params: UserParams, body: UpdateUserBody, response: { 200: User, ...errorResponses } },
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

  for (const [method, mode, operationId] of [
    ['PATCH', 'merge', 'UpdateUserMetadata'],
    ['PUT', 'replace', 'ReplaceUserMetadata'],
  ] as const) {
    app.route<{ Params: Static<typeof UserParams>; Body: Static<typeof UserMetadataBody> }>({
      method,
      url: '/v1/users/:user_id/metadata',
      schema: { operationId, tags, params: UserParams, body: UserMetadataBody, response: { 200: User, ...errorResponses } },
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
    { schema: { operationId: 'DeleteUser', tags, params: UserParams, response: { 200: DeletedObject, ...errorResponses } } },
    async (request, reply) => sendJson(reply, 200, await users.delete(request.params.user_id)),
  );
}
