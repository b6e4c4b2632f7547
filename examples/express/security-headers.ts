/**
 * Response headers a sign-in site needs: no framing (a same-site frame could clickjack "Sign out"
 * or "Continue"), no MIME sniffing, no referrer leaking a callback URL with its code, and HSTS on
 * https. Pages that show a signed-in user also send `Cache-Control: no-store` (set per route).
 */
import type { NextFunction, Request, Response } from 'express';

export function securityHeaders(https: boolean) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.set({
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (https) res.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
