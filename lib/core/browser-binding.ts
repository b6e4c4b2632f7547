/**
 * Binds a login's `state` to the user agent that started it, for state stores that live outside
 * the session (RedisStateStore). Without it any browser presenting a pending state passes: an
 * attacker starts a login, consents as themselves, and sends the victim the unused callback URL
 * (login CSRF).
 *
 * The binding secret lives in the session when the request has one; otherwise in a short-lived
 * `HttpOnly`, `SameSite=Lax` cookie scoped to the callback path (`Secure` on https). Stores keep
 * only a hash of it. A request with neither a session nor a response to set the cookie on cannot
 * be bound, and the login fails with a message saying so: there is no way to turn this off.
 */
import { createHash } from 'crypto';
import { AlipayError } from './errors';
import { randomToken } from './random';

/** Where the binding secret is kept: the session key, and the cookie name when there is no session. */
export const BINDING_SESSION_KEY = 'passport-alipay:binding';
export const BINDING_COOKIE = 'passport_alipay_binding';
const SECRET = /^[A-Za-z0-9_-]{24}$/;

interface BindableRequest {
  session?: Record<string, unknown>;
  headers?: Record<string, string | string[] | undefined>;
  /** Express and Connect put the response here; so does koa-passport's request. */
  res?: { setHeader?(name: string, value: string | string[]): unknown; getHeader?(name: string): unknown; headersSent?: boolean };
}

/** The login cannot be bound to the browser (no session, no response to set a cookie on). */
export class AlipayStateBindingError extends AlipayError {
  /** 500: the app's setup (no session, no response) is the cause. */
  readonly status = 500;

  constructor() {
    super(
      'This state store binds each login to the browser that started it, through the session or a cookie, ' +
        'but this request has neither a session (req.session) nor a response to set a cookie on (req.res). ' +
        'Add a session middleware, or run the login route in a framework whose request carries its response (Express, Connect, Koa).',
      'ALIPAY_STATE_BINDING_UNAVAILABLE',
    );
  }
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

function cookieValue(req: BindableRequest, name: string): string | undefined {
  const header = req.headers?.cookie;
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function isSession(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The binding secret this request already carries (session or cookie), if any. */
function currentSecret(req: BindableRequest): string | undefined {
  const candidate = isSession(req.session) ? req.session[BINDING_SESSION_KEY] : cookieValue(req, BINDING_COOKIE);
  return typeof candidate === 'string' && SECRET.test(candidate) ? candidate : undefined;
}

/** Adds a Set-Cookie header, keeping any the response already has. */
function appendCookie(res: NonNullable<BindableRequest['res']>, cookie: string): void {
  const existing = res.getHeader?.('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  res.setHeader?.('set-cookie', [...list.filter((c) => !c.startsWith(`${BINDING_COOKIE}=`)), cookie]);
}

/**
 * The hash of this browser's binding secret, creating the secret (in the session, or in a cookie
 * for `callbackURL`'s path living `maxAgeSeconds`) when the browser has none yet.
 */
export function bindBrowser(req: BindableRequest, callbackURL: string, maxAgeSeconds: number): string {
  const existing = currentSecret(req);
  if (existing) return hashOf(existing);
  const secret = randomToken();
  if (isSession(req.session)) {
    req.session[BINDING_SESSION_KEY] = secret;
    return hashOf(secret);
  }
  const res = req.res;
  if (!res || typeof res.setHeader !== 'function' || res.headersSent) throw new AlipayStateBindingError();
  const url = new URL(callbackURL);
  const attributes = [`Path=${url.pathname}`, `Max-Age=${Math.ceil(maxAgeSeconds)}`, 'HttpOnly', 'SameSite=Lax'];
  if (url.protocol === 'https:') attributes.push('Secure');
  appendCookie(res, `${BINDING_COOKIE}=${secret}; ${attributes.join('; ')}`);
  return hashOf(secret);
}

/** The hash of the binding secret the callback's browser presents, or undefined when it has none. */
export function presentedBinding(req: BindableRequest): string | undefined {
  const secret = currentSecret(req);
  return secret === undefined ? undefined : hashOf(secret);
}
