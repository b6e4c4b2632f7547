/** AlipayMacaoStrategy: sign in with Alipay Macao using the authCode issued inside the Alipay MO app. */
import type { Request } from 'express';
import type { AnyVerifyFunction, StrategyConstructor } from '../core/passport-types';
import { bodyOf, checkAuthCode, firstParam, queryOf } from '../core/request-input';
import { SignedExchangeStrategy } from '../core/strategy-base';
import { MacaoClient } from './client';
import { functionPath } from './envelope';
import { resolveMacaoOptions, type AlipayMacaoStrategyOptions, type ResolvedMacaoOptions } from './options';
import {
  buildMacaoProfile,
  macaoGrantFrom,
  userInfoProfile,
  type AlipayMacaoProfile,
  type AlipayMacaoTokenParams,
  type MacaoGrant,
} from './profile';

export const APPLY_TOKEN = 'alipay.intl.oauth.auth.applyToken';
export const GET_USER_INFO = 'alipay.intl.user.query.getUserInfo';

/** Alipay Macao caps authCode at 64 characters. */
const MAX_AUTH_CODE_LENGTH = 64;
const CODE_NAMES = ['authCode', 'auth_code'];

class AlipayMacaoStrategy extends SignedExchangeStrategy<AlipayMacaoTokenParams, AlipayMacaoProfile, MacaoGrant> {
  private readonly client: MacaoClient;
  private readonly settings: ResolvedMacaoOptions;

  constructor(options: AlipayMacaoStrategyOptions, verify: AnyVerifyFunction<AlipayMacaoTokenParams, AlipayMacaoProfile>) {
    const resolved = resolveMacaoOptions(options);
    super(
      {
        // Macao has no browser redirect; passport-oauth2 requires an authorization URL all the same.
        authorizationURL: resolved.gatewayURL,
        tokenURL: resolved.gatewayURL + functionPath(APPLY_TOKEN),
        clientID: resolved.clientId,
        clientSecret: '',
        skipUserProfile: options.skipUserProfile ?? true,
        passReqToCallback: options.passReqToCallback as never,
      },
      verify as never,
    );
    this.name = options.name ?? 'alipay-macao';
    this.settings = resolved;
    this.client = new MacaoClient(resolved);
  }

  /**
   * Reads the authCode the Alipay MO app gave the page (`authCode` or `auth_code`, in a JSON or form
   * body or the query string) and signs the user in. Never redirects: there is no Macao
   * authorization page to send a browser to.
   */
  override authenticate(req: Request): void {
    const code = firstParam([bodyOf(req), queryOf(req)], CODE_NAMES);
    if (code === undefined) {
      return this.fail(
        {
          message:
            'Missing authCode: send the code from my.getAuthCode (mini program) or AlipayJSBridge getAuthCode (H5) ' +
            'as "authCode" in a JSON or form body, or in the query string.',
        },
        400,
      );
    }
    const problem = checkAuthCode(code, 'authCode', MAX_AUTH_CODE_LENGTH);
    if (problem) return this.fail({ message: `Invalid Alipay Macao authCode: ${problem}.` }, 400);
    this.completeLogin(req, code as string);
  }

  /** `grantType REFRESH_TOKEN`; `refresh()` (inherited) checks the token first. */
  protected override exchangeRefreshToken(refreshToken: string): Promise<MacaoGrant> {
    return this.applyToken({ grantType: 'REFRESH_TOKEN', refreshToken }, false);
  }

  /** Reads the user's mobile number with getUserInfo (only when skipUserProfile is false). */
  protected override async fetchUserInfo(accessToken: string): Promise<Partial<AlipayMacaoProfile>> {
    return userInfoProfile(await this.client.call(GET_USER_INFO, { merchantId: this.settings.authMerchantId }, accessToken));
  }

  protected override exchangeCode(code: string): Promise<MacaoGrant> {
    return this.applyToken({ grantType: 'AUTHORIZATION_CODE', authCode: code }, true);
  }

  protected override buildProfile(grant: MacaoGrant, userInfo: Partial<AlipayMacaoProfile> | undefined): AlipayMacaoProfile {
    return buildMacaoProfile(grant, userInfo);
  }

  private async applyToken(grant: Record<string, string>, isLogin: boolean): Promise<MacaoGrant> {
    const body = await this.client.call(APPLY_TOKEN, {
      ...grant,
      authMerchantId: this.settings.authMerchantId,
      authSite: this.settings.authSite,
    });
    return macaoGrantFrom(body, this.client.clock(), isLogin);
  }
}

/** Sign in with Alipay Macao, typed with one constructor overload per verify shape. */
const TypedAlipayMacaoStrategy = AlipayMacaoStrategy as StrategyConstructor<AlipayMacaoStrategyOptions, AlipayMacaoTokenParams, AlipayMacaoProfile, AlipayMacaoStrategy>;
type TypedAlipayMacaoStrategy = AlipayMacaoStrategy;
export { TypedAlipayMacaoStrategy as AlipayMacaoStrategy };
