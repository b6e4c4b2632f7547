/**
 * Types shared by the strategies' public surfaces. They depend on no framework's type package: the
 * request is Node's IncomingMessage plus the global `Express.Request` interface that passport,
 * express-session and @types/express augment, and a verify function that names its own request
 * type (express.Request of Express 4 or 5, a Fastify or Koa request) gets that type instead.
 */
import type { IncomingMessage } from 'http';

declare global {
  // The augmentation points passport and express-session use; empty here, merged with theirs.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request {}
  }
}

/** The request a verify function receives when it does not name its own request type. */
export type AuthenticateRequest = IncomingMessage & Express.Request;

/** Passport's verify callback: `done(err)`, `done(null, false, info)` or `done(null, user, info)`. */
export type VerifiedCallback = (err?: unknown, user?: Express.User | false | null, info?: object) => void;

/*
 * The four verify shapes passport-oauth2 recognises, chosen by the function's arity. Each strategy
 * declares one constructor overload per shape, so an untyped arrow function gets its parameter
 * types from the overload its arity selects. `refreshToken` is '' when the provider sent none.
 */
/** `(accessToken, refreshToken, profile, done)`: the usual verify function. */
export type VerifyWithProfile<TProfile> = (
  accessToken: string,
  refreshToken: string,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

/** `(accessToken, refreshToken, params, profile, done)`: also receives the token params (expiry, ids). */
export type VerifyWithParams<TParams, TProfile> = (
  accessToken: string,
  refreshToken: string,
  params: TParams,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

/** `(req, accessToken, refreshToken, profile, done)`, with `passReqToCallback: true`. */
export type VerifyWithRequest<TProfile, TRequest = AuthenticateRequest> = (
  req: TRequest,
  accessToken: string,
  refreshToken: string,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

/** `(req, accessToken, refreshToken, params, profile, done)`, with `passReqToCallback: true`. */
export type VerifyWithRequestAndParams<TParams, TProfile, TRequest = AuthenticateRequest> = (
  req: TRequest,
  accessToken: string,
  refreshToken: string,
  params: TParams,
  profile: TProfile,
  done: VerifiedCallback,
) => void;

/** Either verify shape without the request. */
export type VerifyFunction<TParams, TProfile> = VerifyWithProfile<TProfile> | VerifyWithParams<TParams, TProfile>;
/** Either verify shape that receives the request first. */
export type VerifyFunctionWithRequest<TParams, TProfile, TRequest = AuthenticateRequest> =
  | VerifyWithRequest<TProfile, TRequest>
  | VerifyWithRequestAndParams<TParams, TProfile, TRequest>;

/** The tokens one exchange produced. */
export interface TokenGrant<TParams> {
  /** The access token. */
  accessToken: string;
  /** The new refresh token (the one used is spent), when the provider sent one. */
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
 * `TOptions` has `passReqToCallback?: false`, `TOptionsWithRequest` has `passReqToCallback: true`;
 * a verify function taking the request may name its type (e.g. express.Request).
 */
export interface StrategyConstructor<TOptions, TOptionsWithRequest, TParams, TProfile, TInstance> {
  new (options: TOptions, verify: VerifyWithProfile<TProfile>): TInstance;
  new (options: TOptions, verify: VerifyWithParams<TParams, TProfile>): TInstance;
  new <TRequest = AuthenticateRequest>(options: TOptionsWithRequest, verify: VerifyWithRequest<TProfile, TRequest>): TInstance;
  new <TRequest = AuthenticateRequest>(
    options: TOptionsWithRequest,
    verify: VerifyWithRequestAndParams<TParams, TProfile, TRequest>,
  ): TInstance;
}

/**
 * What an application (and passport) calls on a strategy of this package: the published instance
 * type of each strategy. The implementation classes stay out of the declarations on purpose: a
 * class type carries its private and protected members into every type built from it, and
 * NestJS's `PassportStrategy(…)` mixin in a project with `declaration: true` (as `nest new`
 * makes it) then fails with TS4094.
 */
export interface AlipayPassportStrategy<TGrant, TAuthenticateOptions = object> {
  /** The name `passport.authenticate(name)` uses. */
  name: string;
  /** passport's entry point for each request. */
  authenticate(req: AuthenticateRequest, options?: TAuthenticateOptions): void;
  /** Exchanges a refresh token for new tokens. Keep the refresh token it returns: the old one is spent. */
  refresh(refreshToken: string): Promise<TGrant>;
}

/** Any of the four verify shapes (what a strategy's implementation receives). */
export type AnyVerifyFunction<TParams, TProfile> = VerifyFunction<TParams, TProfile> | VerifyFunctionWithRequest<TParams, TProfile, never>;
