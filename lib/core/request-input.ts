/**
 * Reading parameters from an incoming callback request, whatever produced it: Express 4 (plain
 * `req.query` object), Express 5 (`req.query` is a getter re-parsed on each read) or a bare Node
 * `http` request (no `req.query` at all). Nothing here writes to the request.
 */
import type { IncomingMessage } from 'http';
import { isRecord, PRINTABLE_ASCII } from './fields';

export interface CallbackRequest extends IncomingMessage {
  query?: unknown;
  body?: unknown;
}

/** The query parameters; repeated parameters come back as arrays, as Express parses them. */
export function queryOf(req: CallbackRequest): Record<string, unknown> {
  if (isRecord(req.query)) return req.query;
  const out: Record<string, unknown> = {};
  const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/**
 * Checks an authorization code taken from a request. Returns an explanation of what is wrong, or
 * undefined when the code is acceptable; the explanation never repeats the code.
 */
export function checkAuthCode(value: unknown, name: string, maxLength: number): string | undefined {
  if (typeof value !== 'string') return `${name} must be a single string parameter`;
  if (value.length === 0) return `${name} is empty`;
  if (value.length > maxLength) return `${name} is longer than ${maxLength} characters`;
  if (!PRINTABLE_ASCII.test(value)) return `${name} contains characters other than printable ASCII`;
  return undefined;
}
