/**
 * What the two mainland strategies share: the signed `alipay.system.oauth.token` exchange (login and
 * refresh), the optional `alipay.user.info.share` call, and the profile built from them. AlipayStrategy
 * receives its code through the browser redirect, AlipayInAppStrategy from a client inside Alipay.
 */
import type { OAuth2StrategyOptions } from '../core/oauth2-base';
import type { TokenGrant } from '../core/passport-types';
import { SignedExchangeStrategy } from '../core/strategy-base';
import { checkTokenFreshness } from './freshness';
import { AlipayGateway } from './gateway';
import { AlipayMerchantError, type MerchantCall, type MerchantSource } from './merchant';
import type { ResolvedGatewayOptions } from './options';
import { buildAlipayProfile, tokenGrantFrom, userInfoProfile, type AlipayProfile, type AlipayTokenParams } from './profile';

/**
 * A service provider's call for a merchant's app carries the merchant's app_auth_token as a
 * top-level parameter, inside the sign content, as alipay-sdk's formatUrl/sign do; never inside
 * biz_content, which the gateway rejects (PROTOCOL A9, yansongda/pay#564).
 */
function forMerchant(business: Record<string, string>, merchant: MerchantCall | undefined): Record<string, string> {
  return merchant ? { ...business, app_auth_token: merchant.appAuthToken } : business;
}

export abstract class MainlandExchangeStrategy<TProfile extends AlipayProfile> extends SignedExchangeStrategy<
  AlipayTokenParams,
  TProfile,
  TokenGrant<AlipayTokenParams>,
  MerchantCall
> {
  protected readonly gateway: AlipayGateway;
  private readonly answerWindowSeconds: number;
  /** Service providers: the merchant app of each login (undefined: the provider's own app). */
  protected readonly merchant: MerchantSource | undefined;

  protected constructor(
    gateway: ResolvedGatewayOptions,
    oauth2Options: Omit<OAuth2StrategyOptions, 'tokenURL' | 'clientID' | 'clientSecret'>,
    verify: unknown,
    merchant: MerchantSource | undefined,
  ) {
    super({ ...oauth2Options, tokenURL: gateway.gatewayURL, clientID: gateway.appId, clientSecret: '' }, verify);
    this.gateway = new AlipayGateway(gateway);
    this.answerWindowSeconds = gateway.answerWindowSeconds;
    this.merchant = merchant;
  }

  /** passport-oauth2-refresh: `requestNewAccessToken(name, refreshToken, { app_auth_token }, done)`. */
  protected override refreshContext(params: Record<string, unknown>): MerchantCall | undefined {
    const token = params.app_auth_token;
    return typeof token === 'string' && token !== '' ? { appAuthToken: token } : undefined;
  }

  /**
   * The merchant of a call made outside a login (refresh, userProfile): the one the option names,
   * none for the provider's own app; with a resolver there is no request to ask, so it must be given.
   */
  private merchantOutsideLogin(given: MerchantCall | undefined): MerchantCall | undefined {
    if (given || !this.merchant) return given;
    const fixed = this.merchant.fixed;
    if (fixed) return { appId: fixed.appId, appAuthToken: fixed.appAuthToken };
    throw new AlipayMerchantError(
      "This strategy signs into merchants' apps: pass the merchant's app_auth_token, strategy.refresh(refreshToken, { appAuthToken }) " +
        'or requestNewAccessToken(name, refreshToken, { app_auth_token }, done).',
      'ALIPAY_MERCHANT_UNKNOWN',
    );
  }

  protected override exchangeCode(code: string, merchant?: MerchantCall): Promise<TokenGrant<AlipayTokenParams>> {
    return this.oauthToken({ grant_type: 'authorization_code', code }, true, merchant);
  }

  /** `grant_type=refresh_token`; `refresh()` (inherited) checks the token first. */
  protected override exchangeRefreshToken(refreshToken: string, merchant?: MerchantCall): Promise<TokenGrant<AlipayTokenParams>> {
    return this.oauthToken({ grant_type: 'refresh_token', refresh_token: refreshToken }, false, this.merchantOutsideLogin(merchant));
  }

  /** Reads the user's nickname, avatar and gender with `alipay.user.info.share` (scope auth_user). */
  protected override async fetchUserInfo(accessToken: string, merchant?: MerchantCall): Promise<Partial<TProfile>> {
    const payload = await this.gateway.call('alipay.user.info.share', forMerchant({ auth_token: accessToken }, this.merchantOutsideLogin(merchant)));
    return userInfoProfile(payload) as Partial<TProfile>;
  }

  protected override buildProfile(grant: TokenGrant<AlipayTokenParams>, userInfo: Partial<TProfile> | undefined): TProfile {
    return buildAlipayProfile(grant, userInfo) as TProfile;
  }

  /** A login must name the user; a refresh answer need not. Either must be fresh (freshness.ts). */
  private async oauthToken(grant: Record<string, string>, isLogin: boolean, merchant: MerchantCall | undefined): Promise<TokenGrant<AlipayTokenParams>> {
    const tokens = tokenGrantFrom(await this.gateway.call('alipay.system.oauth.token', forMerchant(grant, merchant)), isLogin);
    checkTokenFreshness(tokens.params, this.gateway.now(), this.answerWindowSeconds, isLogin);
    if (merchant?.appId) tokens.params.merchantAppId = merchant.appId;
    return tokens;
  }
}
