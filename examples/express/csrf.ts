/**
 * CSRF protection for the demo's POST routes without a session: a signed double-submit cookie. The
 * browser gets a random nonce in an HttpOnly cookie; pages embed `nonce.HMAC(secret, nonce)`; a POST
 * passes only when its token is signed by this server *and* names the nonce of this browser's
 * cookie. Pages that show a form therefore create no session (a flood of visitors grows no session
 * store). The Macao login is a POST that carries an authCode: without this, another site could post
 * its own authCode and sign the victim into the attacker's account (login CSRF).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { failurePage } from './views';

export interface Csrf {
  /** The token for forms on this page (sets the nonce cookie when the browser has none). */
  token(req: Request, res: Response): string;
  /** Middleware: lets a POST through only with a valid token for this browser. */
  require(req: Request, res: Response, next: NextFunction): void;
}

const NONCE = /^[A-Za-z0-9_-]{22}$/;

function cookieNonce(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return NONCE.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `cookieName` carries the nonce (`__Host-` prefixed on https); `secure` marks it Secure. */
export function createCsrf(secret: string, cookieName: string, secure: boolean): Csrf {
  const sign = (nonce: string) => createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');
  return {
    token(req, res) {
      let nonce = cookieNonce(req, cookieName);
      if (!nonce) {
        nonce = randomBytes(16).toString('base64url');
        res.cookie(cookieName, nonce, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
      }
      return `${nonce}.${sign(nonce)}`;
    },
    require(req, res, next) {
      const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
      const nonce = cookieNonce(req, cookieName);
      if (typeof given === 'string' && nonce) {
        const [tokenNonce, mac] = given.split('.');
        if (tokenNonce && mac && same(tokenNonce, nonce) && same(mac, sign(nonce))) return next();
      }
      res.status(403).send(failurePage('Request refused', 'The form is stale or did not come from this site (CSRF token mismatch). Go back and try again.'));
    },
  };
}
