/**
 * Reading an authorization code that the client posts (Alipay Macao, and codes obtained inside
 * Alipay). Such a code is login-CSRF bait: a page on another site could make a victim's browser
 * submit the attacker's own code and so sign the victim into the attacker's account. So the code is
 * taken only from a POST whose body is JSON: a cross-site form or link cannot send
 * `Content-Type: application/json` without a CORS preflight, which the app does not grant. An app
 * that protects a form route with its own CSRF token may opt in to form bodies (`acceptFormBody`).
 * The query string is never read.
 */
import { isRecord } from './fields';
import { checkAuthCode, type CallbackRequest } from './request-input';

export interface PostedCodeSource {
  /** The body member names the code may have, in order of preference. */
  names: readonly string[];
  maxLength: number;
  /** Also accept urlencoded and multipart form bodies (the app checks its own CSRF token). */
  acceptFormBody: boolean;
  /** How the client should send the code, for the messages. */
  howToSend: string;
}

export type PostedCode =
  | { ok: true; code: string; body: Record<string, unknown> }
  | { ok: false; message: string };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^(?:application\/x-www-form-urlencoded|multipart\/form-data)\s*(?:;|$)/i;

function contentType(req: CallbackRequest): string {
  const value = req.headers?.['content-type'];
  return typeof value === 'string' ? value.trim() : '';
}

/** The code and the parsed body it came from, or what is wrong (never repeating the code). */
export function readPostedCode(req: CallbackRequest, source: PostedCodeSource): PostedCode {
  const type = contentType(req);
  const accepted = JSON_TYPE.test(type) || (source.acceptFormBody && FORM_TYPE.test(type));
  if (req.method !== 'POST' || !accepted) {
    return {
      ok: false,
      message:
        `The code is accepted only in a POST with a JSON body (Content-Type: application/json): ${source.howToSend}. ` +
        (source.acceptFormBody ? 'Form bodies are accepted too.' : 'Query strings and form posts are refused to prevent login CSRF.'),
    };
  }
  if (req.body === undefined || req.body === null || typeof req.body === 'string' || Buffer.isBuffer(req.body)) {
    return { ok: false, message: 'The request body was not parsed: add a JSON body parser (e.g. express.json()) before this route.' };
  }
  if (!isRecord(req.body)) {
    const what = Array.isArray(req.body) ? 'an array' : `a ${typeof req.body}`;
    return { ok: false, message: `The JSON body is ${what}; it must be an object: ${source.howToSend}.` };
  }
  const body = req.body;
  const name = source.names.find((n) => Object.prototype.hasOwnProperty.call(body, n) && body[n] !== undefined);
  if (name === undefined) return { ok: false, message: `Missing ${source.names[0]}: ${source.howToSend}.` };
  const problem = checkAuthCode(body[name], name, source.maxLength);
  if (problem) return { ok: false, message: `Invalid ${name}: ${problem}.` };
  return { ok: true, code: body[name] as string, body };
}
