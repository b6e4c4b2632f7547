/** Types shared by both strategies' public surfaces. */
import type { Request } from 'express';

/** Passport's verify callback: `done(err)`, `done(null, false, info)` or `done(null, user, info)`. */
export type VerifiedCallback = (err?: unknown, user?: Express.User | false | null, info?: object) => void;

/*
 * The four verify shapes passport-oauth2 recognises, chosen by the function's arity. Each strategy
 * declares one constructor overload per shape, so an untyped arrow function gets its parameter
 * types from the overload its arity selects. `refreshToken` is '' when the provider sent none.
 */
export type VerifyWithProfile<TProfile> = (
  accessToken: string,
  refreshToken: string,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

export type VerifyWithParams<TParams, TProfile> = (
  accessToken: string,
  refreshToken: string,
  params: TParams,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

export type VerifyWithRequest<TProfile> = (
  req: Request,
  accessToken: string,
  refreshToken: string,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

export type VerifyWithRequestAndParams<TParams, TProfile> = (
  req: Request,
  accessToken: string,
  refreshToken: string,
  params: TParams,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

export type VerifyFunction<TParams, TProfile> = VerifyWithProfile<TProfile> | VerifyWithParams<TParams, TProfile>;
export type VerifyFunctionWithRequest<TParams, TProfile> =
  | VerifyWithRequest<TProfile>
  | VerifyWithRequestAndParams<TParams, TProfile>;

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

/**
 * The constructor of a strategy, one overload per verify shape, so that an untyped
 * `(accessToken, refreshToken, profile, done)` arrow function gets its parameter types. TypeScript
 * fixes an arrow function's parameter types at the first overload whose options match, so the
 * shapes with `params` need their type named (`VerifyWithParams`, `VerifyWithRequestAndParams`).
 */
export interface StrategyConstructor<TOptions, TParams, TProfile, TInstance> {
  new (options: TOptions & { passReqToCallback?: false }, verify: VerifyWithProfile<TProfile>): TInstance;
  new (options: TOptions & { passReqToCallback?: false }, verify: VerifyWithParams<TParams, TProfile>): TInstance;
  new (options: TOptions & { passReqToCallback: true }, verify: VerifyWithRequest<TProfile>): TInstance;
  new (options: TOptions & { passReqToCallback: true }, verify: VerifyWithRequestAndParams<TParams, TProfile>): TInstance;
}

/** Any of the four verify shapes (what a strategy's implementation receives). */
export type AnyVerifyFunction<TParams, TProfile> = VerifyFunction<TParams, TProfile> | VerifyFunctionWithRequest<TParams, TProfile>;
