/** Types shared by both strategies' public surfaces. */
import type { Request } from 'express';

/** Passport's verify callback: `done(err)`, `done(null, false, info)` or `done(null, user, info)`. */
export type VerifiedCallback = (err?: unknown, user?: Express.User | false | null, info?: object) => void;

/** The four verify shapes passport-oauth2 recognises, chosen by the function's arity. */
export type VerifyFunction<TParams, TProfile> =
  | ((accessToken: string, refreshToken: string | undefined, profile: TProfile, done: VerifiedCallback) => void)
  | ((
      accessToken: string,
      refreshToken: string | undefined,
      params: TParams,
      profile: TProfile,
      done: VerifiedCallback,
    ) => void);

export type VerifyFunctionWithRequest<TParams, TProfile> =
  | ((req: Request, accessToken: string, refreshToken: string | undefined, profile: TProfile, done: VerifiedCallback) => void)
  | ((
      req: Request,
      accessToken: string,
      refreshToken: string | undefined,
      params: TParams,
      profile: TProfile,
      done: VerifiedCallback,
    ) => void);

/** The tokens one exchange produced. */
export interface TokenGrant<TParams> {
  accessToken: string;
  refreshToken: string | undefined;
  /** The token payload as the provider sent it, normalised (see each strategy's params type). */
  params: TParams;
}

/**
 * passport-oauth2's `skipUserProfile`: a boolean, `() => boolean`, or
 * `(accessToken, done(err, skip))` for an asynchronous decision.
 */
export type SkipUserProfileOption =
  | boolean
  | (() => boolean)
  | ((accessToken: string, done: (err: unknown, skip?: boolean) => void) => void);
