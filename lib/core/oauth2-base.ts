/**
 * passport-oauth2's Strategy, typed by the part of it this package uses. The published
 * declarations then need no `@types/*` package at all: @types/passport-oauth2 pulls in
 * @types/express, and a second copy of that beside an app's own (Express 4 next to 5) broke
 * `passport.use(new AlipayStrategy(…))` in TypeScript apps.
 */
import type { AuthenticateRequest } from './passport-types';

/** The passport-oauth2 options the strategies pass on. */
export interface OAuth2StrategyOptions {
  authorizationURL: string;
  tokenURL: string;
  clientID: string;
  clientSecret: string;
  callbackURL?: string;
  scope?: string;
  state?: boolean;
  store?: object | true;
  sessionKey?: string;
  proxy?: boolean;
  skipUserProfile?: unknown;
  passReqToCallback?: boolean;
}

/** A passport strategy as passport-oauth2 implements it; the action methods exist per request. */
export interface OAuth2Strategy {
  name: string;
  authenticate(req: AuthenticateRequest, options?: object): void;
  userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void;
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  pass(): void;
  error(err: Error): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const OAuth2Strategy = require('passport-oauth2') as new (
  options: OAuth2StrategyOptions,
  verify: (...args: never[]) => void,
) => OAuth2Strategy;
