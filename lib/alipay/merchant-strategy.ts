/**
 * AlipayMerchantStrategy ('alipay-merchant'): a merchant authorizes a service provider's app
 * (第三方应用授权, PROTOCOL A9). Redirects to appToAppAuth.htm, receives `app_auth_code`, exchanges
 * it with `alipay.open.auth.token.app`, verifies the answer, and yields the merchant with the
 * app_auth_token the provider then uses for the merchant's app (the `merchant` option of the
 * mainland strategies).
 */
import { absoluteCallbackURL } from '../core/original-url';
import { AlipayConfigError } from '../core/errors';
import type { AlipayPassportStrategy, AnyVerifyFunction, AuthenticateRequest, StrategyConstructor, TokenGrant } from '../core/passport-types';
import { checkAuthCode, queryOf } from '../core/request-input';
import type { StateMeta } from '../core/state-store';
import { SignedExchangeStrategy } from '../core/strategy-base';
import { AlipayGateway } from './gateway';
import {
  buildMerchantProfile,
  merchantGrantFrom,
  merchantTokenStatusFrom,
  type AlipayMerchantProfile,
  type AlipayMerchantTokenParams,
  type MerchantTokenStatus,
} from './merchant-token';
import { resolveGatewayOptions, type MainlandGatewayOptions, type RedirectLoginOptions } from './options';
import { acceptState, redirectWithState, stateOptions } from './redirect-state';
import { requireCallbackURL, requireEndpoint } from '../core/options';

export const PRODUCTION_APP_AUTH_URL = 'https://openauth.alipay.com/oauth2/appToAppAuth.htm';
export const SANDBOX_APP_AUTH_URL = 'https://openauth-sandbox.dl.alipaydev.com/oauth2/appToAppAuth.htm';

/** AlipayMerchantStrategy's options; `…Options` or `…OptionsWithRequest` add passReqToCallback. */
export interface AlipayMerchantStrategyOptionsBase extends Omit<MainlandGatewayOptions, 'skipUserProfile' | 'answerWindow'>, RedirectLoginOptions {
  /** Strategy name (default `alipay-merchant`). */
  name?: string;
}

/** Options for a verify function without the request (the default). */
export interface AlipayMerchantStrategyOptions extends AlipayMerchantStrategyOptionsBase {
  /** The verify function does not receive the request (the default). */
  passReqToCallback?: false;
}

/** Options for a verify function that receives the request first. */
export interface AlipayMerchantStrategyOptionsWithRequest extends AlipayMerchantStrategyOptionsBase {
  /** The verify function receives the request first. */
  passReqToCallback: true;
}

/** Options accepted by `passport.authenticate('alipay-merchant', options)` besides passport's own. */
export interface AlipayMerchantAuthenticateOptions {
  /** The callback of this authorization (overrides the strategy's). */
  callbackURL?: string;
  /** Application state to keep with the CSRF state (needs `store: true` or a custom store). */
  state?: unknown;
}

/** Longest app_auth_code accepted from a callback (Alipay documents 40 characters). */
const MAX_APP_AUTH_CODE_LENGTH = 128;
/** Parameters that mark a request as Alipay's callback even when it carries no app_auth_code. */
const CALLBACK_MARKERS = ['state', 'error', 'error_description', 'app_id', 'source'];
const METHOD = 'alipay.open.auth.token.app';

type MerchantGrant = TokenGrant<AlipayMerchantTokenParams>;

class AlipayMerchantStrategy extends SignedExchangeStrategy<AlipayMerchantTokenParams, AlipayMerchantProfile> {
  private readonly appId: string;
  private readonly gateway: AlipayGateway;
  private readonly gatewayURL: string;
  private readonly authorizationURL: string;
  /** `appToAppAuth.htm?app_id=…&redirect_uri=` */
  private readonly authorizePrefix: string;
  private readonly defaultCallbackURL: string;

  constructor(
    options: AlipayMerchantStrategyOptions | AlipayMerchantStrategyOptionsWithRequest,
    verify: AnyVerifyFunction<AlipayMerchantTokenParams, AlipayMerchantProfile>,
  ) {
    const gateway = resolveGatewayOptions(options, 'AlipayMerchantStrategy', 'appId, privateKey, alipayPublicKey, callbackURL');
    if ('merchant' in options || 'scope' in options) {
      throw new AlipayConfigError(
        "AlipayMerchantStrategy signs merchants in to the service provider's own app (appId): it takes no merchant and no scope.",
      );
    }
    const authorizationURL = requireEndpoint(options.authorizationURL ?? (options.sandbox ? SANDBOX_APP_AUTH_URL : PRODUCTION_APP_AUTH_URL), 'authorizationURL');
    const callbackURL = requireCallbackURL(options.callbackURL);
    super(
      {
        authorizationURL,
        tokenURL: gateway.gatewayURL,
        clientID: gateway.appId,
        clientSecret: '',
        callbackURL,
        ...stateOptions(options, authorizationURL),
        skipUserProfile: true,
        passReqToCallback: options.passReqToCallback,
      },
      verify,
    );
    this.name = options.name ?? 'alipay-merchant';
    this.appId = gateway.appId;
    this.gateway = new AlipayGateway(gateway);
    this.gatewayURL = gateway.gatewayURL;
    this.authorizationURL = authorizationURL;
    this.authorizePrefix = `${authorizationURL}${new URL(authorizationURL).search ? '&' : '?'}app_id=${encodeURIComponent(gateway.appId)}&redirect_uri=`;
    this.defaultCallbackURL = callbackURL;
  }

  /**
   * Without `app_auth_code`: redirect the merchant to Alipay's app-authorization page. With it:
   * check the code, the CSRF state and the app, exchange the code and sign the merchant in.
   */
  override authenticate(req: AuthenticateRequest, options: AlipayMerchantAuthenticateOptions = {}): void {
    const query = queryOf(req);
    let callbackURL: string;
    try {
      callbackURL = absoluteCallbackURL(req, typeof options.callbackURL === 'string' ? options.callbackURL : this.defaultCallbackURL, this.internals._trustProxy);
    } catch (err) {
      return this.error(err as Error);
    }
    const meta: StateMeta = { strategyName: this.name, authorizationURL: this.authorizationURL, tokenURL: this.gatewayURL, clientID: this.appId, callbackURL };
    if (query.app_auth_code === undefined) {
      if (CALLBACK_MARKERS.some((name) => query[name] !== undefined)) {
        return this.fail({ message: 'Alipay app authorization was not completed: the callback carries no app_auth_code.' }, 401);
      }
      return redirectWithState(this, this.internals._stateStore, req, options.state, meta, this.authorizePrefix + encodeURIComponent(callbackURL));
    }
    const problem = checkAuthCode(query.app_auth_code, 'app_auth_code', MAX_APP_AUTH_CODE_LENGTH);
    if (problem) return this.fail({ message: `Invalid Alipay callback: ${problem}.` }, 400);
    const code = query.app_auth_code as string;
    acceptState(this, this.internals._stateStore, req, query, () => meta, (info) => {
      // Alipay sends back the provider app the merchant authorized; another one is not this login's.
      if (query.app_id !== undefined && query.app_id !== this.appId) {
        return this.fail({ message: "The callback's app_id is not this service provider's app." }, 403);
      }
      this.completeLogin(req, code, { stateInfo: info, fetchUserInfo: false });
    });
  }

  protected override async exchangeCode(code: string): Promise<MerchantGrant> {
    return merchantGrantFrom(await this.gateway.call(METHOD, { biz_content: JSON.stringify({ grant_type: 'authorization_code', code }) }));
  }

  /** Refreshes with the app_refresh_token; keep the new app_auth_token and app_refresh_token it returns. */
  protected override async exchangeRefreshToken(refreshToken: string): Promise<MerchantGrant> {
    const payload = await this.gateway.call(METHOD, { biz_content: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken }) });
    return merchantGrantFrom(payload);
  }

  /** Merchants have no user-information call. */
  protected override async fetchUserInfo(): Promise<Partial<AlipayMerchantProfile>> {
    return {};
  }

  protected override buildProfile(grant: MerchantGrant): AlipayMerchantProfile {
    return buildMerchantProfile(grant);
  }

  /**
   * What Alipay says about a merchant's app_auth_token (`alipay.open.auth.token.app.query`):
   * whether it is valid, which APIs it covers and when it ends. A token Alipay does not know is
   * refused with AlipayAPIError (`aop.invalid-app-auth-token`).
   */
  async merchantTokenStatus(appAuthToken: string): Promise<MerchantTokenStatus> {
    if (typeof appAuthToken !== 'string' || appAuthToken.trim() === '') {
      throw new AlipayConfigError('merchantTokenStatus needs the app_auth_token string a merchant authorization returned.');
    }
    const payload = await this.gateway.call(`${METHOD}.query`, { biz_content: JSON.stringify({ app_auth_token: appAuthToken.trim() }) });
    return merchantTokenStatusFrom(payload);
  }
}

/** Merchants authorizing a service provider's app, typed per verify shape. */
const TypedAlipayMerchantStrategy = AlipayMerchantStrategy as StrategyConstructor<
  AlipayMerchantStrategyOptions,
  AlipayMerchantStrategyOptionsWithRequest,
  AlipayMerchantTokenParams,
  AlipayMerchantProfile,
  TypedAlipayMerchantStrategy
>;
/** An AlipayMerchantStrategy as applications see it. */
interface TypedAlipayMerchantStrategy extends AlipayPassportStrategy<TokenGrant<AlipayMerchantTokenParams>, AlipayMerchantAuthenticateOptions> {
  /** What Alipay says about a merchant's app_auth_token: valid or not, the APIs it covers, when it ends. */
  merchantTokenStatus(appAuthToken: string): Promise<MerchantTokenStatus>;
}
export { TypedAlipayMerchantStrategy as AlipayMerchantStrategy };
