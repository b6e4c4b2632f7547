// Signs a user in from a code posted as JSON, and answers JSON either way: a client (a mini
// program, an H5 page) reads why it was refused. Passport alone would answer a bare "Bad Request".
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { AlipayError } from 'passport-alipay';

export function jsonLogin(strategy: string, { session }: { session: boolean }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const answer = (err: unknown, user: Express.User | false, info?: { message?: string }, status?: number) => {
      if (err) {
        // AlipayError messages carry no key, token or code: safe to show. status: 400, 502 or 504.
        const known = err instanceof AlipayError;
        const httpStatus = (err as { status?: number }).status ?? 500;
        return res.status(httpStatus).json({ error: known ? err.code : 'INTERNAL_ERROR', message: known ? err.message : 'Sign-in failed.' });
      }
      if (!user) return res.status(status ?? 401).json({ error: 'LOGIN_FAILED', message: info?.message ?? 'Sign-in failed.' });
      if (!session) return res.json({ user }); // e.g. issue your own app token here
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.json({ user })));
    };
    passport.authenticate(strategy, { session }, answer)(req, res, next);
  };
}
