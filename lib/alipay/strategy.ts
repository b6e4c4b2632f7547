/** AlipayStrategy: "Sign in with Alipay" for the mainland Open Platform. */
import { AlipayConfigError } from '../core/errors';
import { settle } from '../core/strategy-base';
import { absoluteCallbackURL } from '../core/original-url';
import type { AlipayPassportStrategy, AnyVerifyFunction, AuthenticateRequest, StrategyConstructor, TokenGrant } from '../core/passport-types';
import { checkAuthCode, queryOf } from '../core/request-input';
import type { StateMeta } from '../core/state-store';
import { MainlandExchangeStrategy } from './mainland-exchange';
import { merchantSource, type MerchantCall, type ResolvedMerchant } from './merchant';
import { acceptState, redirectWithState, stateOptions } from './redirect-state';
import { normaliseScope, resolveAlipayOptions, type AlipayStrategyOptions, type AlipayStrategyOptionsWithRequest } from './options';
import type { AlipayProfile, AlipayTokenParams } from './profile';

/** Options accepted by `passport.authenticate('alipay', options)` besides passport's own. */
export interface AlipayAuthenticateOptions {
  /** The scope of this login (overrides the strategy's): `auth_base`, `auth_user`, or several. */
  scope?: string | string[];
  /** The callback of this login (overrides the strategy's). */
  callbackURL?: string;
  /** Application state to keep with the CSRF state (needs `store: true` or a custom store). */
  state?: unknown;
  [option: string]: unknown;
}

/** Longest auth_code accepted from a callback; real codes are 32–40 characters. */
const MAX_AUTH_CODE_LENGTH = 128;
/** Parameters that mark a request as Alipay's callback even when it carries no auth_code. */
const CALLBACK_MARKERS = ['state', 'error', 'error_description', 'app_id', 'source'];

class AlipayStrategy extends MainlandExchangeStrategy<AlipayProfile> {
  private readonly appId: string;
  private readonly authorizationURL: string;
  /** The authorization address up to its parameters: `…?` (or `…&` when it has a query already). */
  private readonly authorizeBase: string;
  /** The authorization address up to the scope's value: `…?app_id=…&scope=`. */
  private readonly authorizePrefix: string;
  private readonly gatewayURL: string;
  private readonly defaultCallbackURL: string;
  private readonly defaultScope: string;
  /** True when the application set skipUserProfile itself: then passport-oauth2's option decides. */
  private readonly userProfileOptionSet: boolean;

  constructor(options: AlipayStrategyOptions | AlipayStrategyOptionsWithRequest, verify: AnyVerifyFunction<AlipayTokenParams, AlipayProfile>) {
    const resolved = resolveAlipayOptions(options);
    super(
      resolved,
      {
        authorizationURL: resolved.authorizationURL,
        callbackURL: resolved.callbackURL,
        scope: resolved.scope,
        ...stateOptions(options, resolved.authorizationURL),
        // Without an explicit skipUserProfile, each login decides from the scope it was granted.
        skipUserProfile: options.skipUserProfile,
        passReqToCallback: options.passReqToCallback,
      },
      verify,
      merchantSource(options.merchant, 'AlipayStrategy'),
    );
    this.name = options.name ?? 'alipay';
    this.appId = resolved.appId;
    this.authorizationURL = resolved.authorizationURL;
    this.authorizeBase = resolved.authorizationURL + (new URL(resolved.authorizationURL).search ? '&' : '?');
    this.authorizePrefix = `${this.authorizeBase}app_id=${encodeURIComponent(resolved.appId)}&scope=`;
    this.gatewayURL = resolved.gatewayURL;
    this.defaultCallbackURL = resolved.callbackURL;
    this.defaultScope = resolved.scope;
    this.userProfileOptionSet = options.skipUserProfile !== undefined;
    if (this.merchant && (options.state === false || options.store === true)) {
      throw new AlipayConfigError(
        'merchant needs a state store that records which merchant app each login started for: leave state and store unset ' +
          '(the session store) or use a RedisStateStore.',
      );
    }
  }

  /**
   * Without `auth_code`: redirect to Alipay's authorization page. With it: check the code and the
   * CSRF state, exchange the code, and sign the user in. A request that looks like Alipay's callback
   * but has no code fails instead of redirecting again (which would loop).
   */
  override authenticate(req: AuthenticateRequest, options: AlipayAuthenticateOptions = {}): void {
    const query = queryOf(req);
    if (query.auth_code !== undefined) return this.handleCallback(req, query, options);
    if (CALLBACK_MARKERS.some((name) => query[name] !== undefined)) {
      return this.fail({ message: 'Alipay sign-in was not completed: the callback carries no auth_code.' }, 401);
    }
    return this.redirectToAlipay(req, options);
  }

  private stateMeta(callbackURL: string, scope?: string, merchant?: ResolvedMerchant): StateMeta {
    const meta: StateMeta = { strategyName: this.name, authorizationURL: this.authorizationURL, tokenURL: this.gatewayURL, clientID: this.appId, callbackURL };
    if (scope !== undefined) meta.scope = scope;
    if (merchant) meta.merchantAppId = merchant.appId;
    return meta;
  }

  /** The callback of this login: the route's option, else the merchant app's, else the strategy's. */
  private callbackURLFor(req: AuthenticateRequest, options: AlipayAuthenticateOptions, merchant?: ResolvedMerchant): string {
    const configured = typeof options.callbackURL === 'string' ? options.callbackURL : (merchant?.callbackURL ?? this.defaultCallbackURL);
    return absoluteCallbackURL(req, configured, this.internals._trustProxy);
  }

  /** The authorization address up to the scope's value, for the provider's own app or a merchant's. */
  private authorizeStart(merchant: ResolvedMerchant | undefined): string {
    if (!merchant) return this.authorizePrefix;
    return `${this.authorizeBase}app_id=${encodeURIComponent(merchant.appId)}&scope=`;
  }

  private handleCallback(req: AuthenticateRequest, query: Record<string, unknown>, options: AlipayAuthenticateOptions): void {
    const problem = checkAuthCode(query.auth_code, 'auth_code', MAX_AUTH_CODE_LENGTH);
    if (problem) return this.fail({ message: `Invalid Alipay callback: ${problem}.` }, 400);
    const code = query.auth_code as string;
    if (!this.merchant) return this.verifyAndComplete(req, query, code, options, undefined);
    // The callback's app_id only helps the resolver find the merchant; the state decides below.
    const appId = typeof query.app_id === 'string' ? query.app_id : undefined;
    settle(
      this.merchant(req, { appId }),
      (merchant) => this.verifyAndComplete(req, query, code, options, merchant),
      (err) => this.error(err as Error),
    );
  }

  /**
   * Checks the callback's state and signs the user in. A merchant login must end as the merchant
   * app it started for: the app recorded with the state, the callback's `app_id` and the merchant
   * resolved now must all agree, so a login started for merchant A never completes with merchant
   * B's token.
   */
  private verifyAndComplete(
    req: AuthenticateRequest,
    query: Record<string, unknown>,
    code: string,
    options: AlipayAuthenticateOptions,
    merchant: ResolvedMerchant | undefined,
  ): void {
    const meta = () => this.stateMeta(this.callbackURLFor(req, options, merchant));
    acceptState(this, this.internals._stateStore, req, query, meta, (info, recorded) => {
      const login = { stateInfo: info, fetchUserInfo: this.userInfoWanted(recorded?.scope, options) };
      if (!merchant) return this.completeLogin(req, code, login);
      if (recorded?.merchantAppId !== merchant.appId || (query.app_id !== undefined && query.app_id !== merchant.appId)) {
        return this.fail({ message: 'This callback is not for the merchant app its login started for: start again.' }, 403);
      }
      this.completeLogin(req, code, { ...login, context: merchant });
    });
  }

  /**
   * Whether this login reads user information: only an auth_user grant may call
   * alipay.user.info.share (an auth_base token gets 20001). The scope is the one recorded with the
   * login's state when it started (the callback's `scope` parameter is not signed, so it is never
   * read); without a recording store, the callback route's own `scope` option, else the configured
   * one. An explicit skipUserProfile wins.
   */
  private userInfoWanted(recordedScope: string | undefined, options: AlipayAuthenticateOptions): boolean | undefined {
    if (this.userProfileOptionSet) return undefined;
    let granted = this.defaultScope;
    if (recordedScope) granted = recordedScope;
    else if (options.scope !== undefined) granted = normaliseScope(options.scope);
    return granted.split(/[\s,]+/).includes('auth_user');
  }

  private redirectToAlipay(req: AuthenticateRequest, options: AlipayAuthenticateOptions): void {
    if (!this.merchant) return this.redirectFor(req, options, undefined);
    settle(
      this.merchant(req, {}),
      (merchant) => this.redirectFor(req, options, merchant),
      (err) => this.error(err as Error),
    );
  }

  private redirectFor(req: AuthenticateRequest, options: AlipayAuthenticateOptions, merchant: ResolvedMerchant | undefined): void {
    let scope: string;
    let callbackURL: string;
    try {
      scope = options.scope === undefined ? this.defaultScope : normaliseScope(options.scope);
      callbackURL = this.callbackURLFor(req, options, merchant);
    } catch (err) {
      return this.error(err as Error);
    }
    const url = `${this.authorizeStart(merchant)}${encodeURIComponent(scope)}&redirect_uri=${encodeURIComponent(callbackURL)}`;
    redirectWithState(this, this.internals._stateStore, req, options.state, this.stateMeta(callbackURL, scope, merchant), url);
  }
}

/** "Sign in with Alipay" (mainland Open Platform), typed with one constructor overload per verify shape. */
const TypedAlipayStrategy = AlipayStrategy as StrategyConstructor<
  AlipayStrategyOptions,
  AlipayStrategyOptionsWithRequest,
  AlipayTokenParams,
  AlipayProfile,
  TypedAlipayStrategy
>;
/** An AlipayStrategy as applications see it. */
interface TypedAlipayStrategy extends AlipayPassportStrategy<TokenGrant<AlipayTokenParams>, AlipayAuthenticateOptions> {
  /**
   * Exchanges a refresh token for new tokens; keep the refresh token it returns. With a `merchant`
   * resolver, pass the merchant's `{ appAuthToken }` (a fixed `merchant` is used by default).
   */
  refresh(refreshToken: string, merchant?: MerchantCall): Promise<TokenGrant<AlipayTokenParams>>;
}
export { TypedAlipayStrategy as AlipayStrategy };
