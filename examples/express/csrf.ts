/**
 * Synchronizer-token CSRF protection for the demo's POST routes. The Macao login is a POST that
 * carries an authCode: without this, another site could post its own authCode and sign the victim
 * into the attacker's account (login CSRF).
 */
import { randomBytes, timingSafeEqual } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { failurePage } from './views';

declare module 'express-session' {
  interface SessionData {
    csrfToken?: string;
  }
}

export function csrfToken(req: Request): string {
  if (!req.session.csrfToken) req.session.csrfToken = randomBytes(24).toString('base64url');
  return req.session.csrfToken;
}

function matches(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireCsrfToken(req: Request, res: Response, next: NextFunction): void {
  const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token');
  if (matches(req.session.csrfToken, given)) return next();
  res.status(403).send(failurePage('Request refused', 'The form is stale or did not come from this site (CSRF token mismatch). Go back and try again.'));
}
