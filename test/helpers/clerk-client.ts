import { thrownBy } from './thrown.js';

/** Every exchange the official client had with the server, with its raw JSON body. */
export const wire: { method: string; url: string; status: number; body: any }[] = [];

// @clerk/backend binds `fetch` when it is first loaded, so the spy goes in
// first and the client is loaded after it: the raw wire can then be checked
// (the client's own classes drop fields such as `reserved` and `backup_codes`).
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const text = await response.clone().text();
  wire.push({ method: init?.method ?? 'GET', url: String(input), status: response.status, body: text === '' ? undefined : JSON.parse(text) });
  return response;
};

export const { createClerkClient } = await import('@clerk/backend');
const { isClerkAPIResponseError } = await import('@clerk/backend/errors');

/** Runs `call` and returns the ClerkAPIResponseError it must throw. */
export const clerkError = (call: () => Promise<unknown>): Promise<any> => thrownBy(call, isClerkAPIResponseError, 'a ClerkAPIResponseError');
