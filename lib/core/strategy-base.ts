/**
 * What both strategies share on top of passport-oauth2: the code-for-token exchange is replaced by
 * a signed call to an Alipay gateway, and the end of a login (profile, verify, success) is run here
 * so typed errors reach passport's `error()` intact instead of being wrapped in InternalOAuthError.
 */
import { AlipayError } from './errors';
import { OAuth2Strategy, type OAuth2StrategyOptions } from './oauth2-base';
import { requireVerify } from './options';
import type { AuthenticateRequest, TokenGrant, VerifiedCallback } from './passport-types';

type NodeCallback = (err: unknown, ...results: unknown[]) => void;

/**
 * Hands a promise's outcome to callback-style code on the next tick, outside the promise chain: an
 * exception thrown by passport or the application then surfaces as it would from a callback API
 * instead of becoming an unhandled rejection.
 */
export function settle<T>(promise: Promise<T>, onValue: (value: T) => void, onError: (err: unknown) => void): void {
  promise.then(
    (value) => process.nextTick(onValue, value),
    (err: unknown) => process.nextTick(onError, err),
  );
}

/** passport-oauth2 internals this package relies on (present in every 1.x release). */
export interface OAuth2Internals {
  _verify: (...args: unknown[]) => void;
  _passReqToCallback?: boolean;
  _trustProxy?: boolean;
  _stateStore: {
    store: (...args: unknown[]) => void;
    verify: (...args: unknown[]) => void;
  };
  _loadUserProfile(accessToken: string, done: (err: unknown, profile?: unknown) => void): void;
  _oauth2: { getOAuthAccessToken: (code: string, params: Record<string, unknown>, callback: NodeCallback) => void };
}

/** What a strategy knows about one login besides its code. */
export interface LoginDetails<TProfile, TContext = undefined> {
  /** Whose login it is, for every gateway call it makes (e.g. a service provider's merchant app). */
  context?: TContext;
  /** What the state store verified (application state), passed on to `success` as `info.state`. */
  stateInfo?: unknown;
  /**
   * Whether this login makes the user-information call (e.g. decided by the scope granted); when
   * undefined, passport-oauth2's `skipUserProfile` option decides.
   */
  fetchUserInfo?: boolean;
  /** Fields added to the profile (e.g. a verified phone number). */
  profileExtras?: Partial<TProfile>;
}

export abstract class SignedExchangeStrategy<
  TParams,
  TProfile,
  TGrant extends TokenGrant<TParams> = TokenGrant<TParams>,
  TContext = undefined,
> extends OAuth2Strategy {
  protected constructor(oauth2Options: OAuth2StrategyOptions, verify: unknown) {
    requireVerify(verify, new.target.name);
    super(oauth2Options, verify as (...args: never[]) => void);
    // passport-oauth2-refresh copies this function onto another OAuth2 object and calls it there,
    // so it must not depend on `this`: the arrow function closes over the strategy.
    this.internals._oauth2.getOAuthAccessToken = (code, params, callback) => {
      const grant = params && params.grant_type === 'refresh_token' ? this.refresh(code, this.refreshContext(params)) : this.exchangeCode(code);
      settle(grant, (g) => callback(null, g.accessToken, g.refreshToken, g.params), callback);
    };
  }

  protected get internals(): OAuth2Internals {
    return this as unknown as OAuth2Internals;
  }

  /** Exchanges an authorization code for tokens through the provider's signed API. */
  protected abstract exchangeCode(code: string, context?: TContext): Promise<TGrant>;

  /** The provider's refresh-token exchange, given a non-empty refresh token. */
  protected abstract exchangeRefreshToken(refreshToken: string, context?: TContext): Promise<TGrant>;

  /**
   * The context of a refresh that passport-oauth2-refresh asks for, from the extra `params` its
   * caller passed (`requestNewAccessToken(name, token, params, done)`).
   */
  protected refreshContext(_params: Record<string, unknown>): TContext | undefined {
    return undefined;
  }

  /** Exchanges a refresh token for new tokens. Keep the refresh token it returns: the old one is spent. */
  async refresh(refreshToken: string, context?: TContext): Promise<TGrant> {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new AlipayError('refresh() needs the refresh token string from a previous grant.', 'ALIPAY_REFRESH_TOKEN_REQUIRED');
    }
    return this.exchangeRefreshToken(refreshToken, context);
  }

  /** The provider's optional user-information call (run unless `skipUserProfile`). */
  protected abstract fetchUserInfo(accessToken: string, context?: TContext): Promise<Partial<TProfile>>;

  /** passport-oauth2's hook for the optional user information, called through `_loadUserProfile`. */
  override userProfile(accessToken: string, done: (err?: unknown, profile?: Partial<TProfile>) => void): void {
    settle(this.fetchUserInfo(accessToken), (info) => done(null, info), done);
  }

  /** Builds the profile from the token grant and, when it was fetched, the extra user information. */
  protected abstract buildProfile(grant: TGrant, userInfo: Partial<TProfile> | undefined): TProfile;

  /**
   * Ends a login: exchange the code, load the optional user information, call the application's
   * verify function in the shape it declared, and report to passport. Called on the per-request
   * object passport creates, so `this.success` and friends are that request's.
   */
  protected completeLogin(req: AuthenticateRequest, code: string, login: LoginDetails<TProfile, TContext> = {}): void {
    settle(
      this.exchangeCode(code, login.context),
      (grant) => this.loadProfileAndVerify(req, grant, login),
      (err) => this.error(err as Error),
    );
  }

  private loadUserInfo(
    accessToken: string,
    { fetchUserInfo, context }: LoginDetails<TProfile, TContext>,
    done: (err: unknown, info?: unknown) => void,
  ): void {
    // A login with a context makes its user-information call in that context; passport-oauth2's
    // _loadUserProfile (which applies skipUserProfile) then runs on a view whose userProfile does.
    const self: OAuth2Internals =
      context === undefined
        ? this.internals
        : Object.create(this, {
            userProfile: { value: (token: string, cb: typeof done) => settle(this.fetchUserInfo(token, context), (info) => cb(null, info), cb) },
          });
    if (fetchUserInfo === undefined) return self._loadUserProfile(accessToken, done);
    if (!fetchUserInfo) return done(null, undefined);
    (self as unknown as this).userProfile(accessToken, done);
  }

  private loadProfileAndVerify(req: AuthenticateRequest, grant: TGrant, login: LoginDetails<TProfile, TContext>): void {
    const { stateInfo, profileExtras } = login;
    this.loadUserInfo(grant.accessToken, login, (err, userInfo) => {
      if (err) return this.error(err as Error);
      let profile: TProfile;
      try {
        profile = this.buildProfile(grant, userInfo as Partial<TProfile> | undefined);
        if (profileExtras) profile = { ...profile, ...profileExtras };
      } catch (e) {
        return this.error(e as Error);
      }
      const verified: VerifiedCallback = (verifyErr, user, info) => {
        if (verifyErr) return this.error(verifyErr as Error);
        if (!user) return this.fail(info as never);
        const details: Record<string, unknown> = { ...(info ?? {}) };
        if (stateInfo) details.state = stateInfo;
        this.success(user, details);
      };
      const { _verify: verify, _passReqToCallback: passReq } = this.internals;
      const { accessToken, params } = grant;
      const refreshToken = grant.refreshToken ?? '';
      try {
        if (passReq) {
          if (verify.length === 6) verify(req, accessToken, refreshToken, params, profile, verified);
          else verify(req, accessToken, refreshToken, profile, verified);
        } else if (verify.length === 5) {
          verify(accessToken, refreshToken, params, profile, verified);
        } else {
          verify(accessToken, refreshToken, profile, verified);
        }
      } catch (e) {
        this.error(e as Error);
      }
    });
  }
}
