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
import type { ResolvedGatewayOptions } from './options';
import { buildAlipayProfile, tokenGrantFrom, userInfoProfile, type AlipayProfile, type AlipayTokenParams } from './profile';

export abstract class MainlandExchangeStrategy<TProfile extends AlipayProfile> extends SignedExchangeStrategy<AlipayTokenParams, TProfile> {
  protected readonly gateway: AlipayGateway;
  private readonly answerWindowSeconds: number;

  protected constructor(gateway: ResolvedGatewayOptions, oauth2Options: Omit<OAuth2StrategyOptions, 'tokenURL' | 'clientID' | 'clientSecret'>, verify: unknown) {
    super({ ...oauth2Options, tokenURL: gateway.gatewayURL, clientID: gateway.appId, clientSecret: '' }, verify);
    this.gateway = new AlipayGateway(gateway);
    this.answerWindowSeconds = gateway.answerWindowSeconds;
  }

  protected override exchangeCode(code: string): Promise<TokenGrant<AlipayTokenParams>> {
    return this.oauthToken({ grant_type: 'authorization_code', code }, true);
  }

  /** `grant_type=refresh_token`; `refresh()` (inherited) checks the token first. */
  protected override exchangeRefreshToken(refreshToken: string): Promise<TokenGrant<AlipayTokenParams>> {
    return this.oauthToken({ grant_type: 'refresh_token', refresh_token: refreshToken }, false);
  }

  /** Reads the user's nickname, avatar and gender with `alipay.user.info.share` (scope auth_user). */
  protected override async fetchUserInfo(accessToken: string): Promise<Partial<TProfile>> {
    return userInfoProfile(await this.gateway.call('alipay.user.info.share', { auth_token: accessToken })) as Partial<TProfile>;
  }

  protected override buildProfile(grant: TokenGrant<AlipayTokenParams>, userInfo: Partial<TProfile> | undefined): TProfile {
    return buildAlipayProfile(grant, userInfo) as TProfile;
  }

  /** A login must name the user; a refresh answer need not. Either must be fresh (freshness.ts). */
  private async oauthToken(grant: Record<string, string>, isLogin: boolean): Promise<TokenGrant<AlipayTokenParams>> {
    const tokens = tokenGrantFrom(await this.gateway.call('alipay.system.oauth.token', grant), isLogin);
    checkTokenFreshness(tokens.params, this.gateway.now(), this.answerWindowSeconds, isLogin);
    return tokens;
  }
}
