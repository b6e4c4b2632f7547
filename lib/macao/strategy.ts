/** AlipayMacaoStrategy: sign in with Alipay Macao using the authCode issued inside the Alipay MO app. */
import type { AlipayPassportStrategy, AnyVerifyFunction, AuthenticateRequest, StrategyConstructor } from '../core/passport-types';
import { readPostedCode, type PostedCodeSource } from '../core/posted-code';
import { SignedExchangeStrategy } from '../core/strategy-base';
import { MacaoClient } from './client';
import { functionPath } from './envelope';
import { resolveMacaoOptions, type AlipayMacaoStrategyOptions, type AlipayMacaoStrategyOptionsWithRequest, type ResolvedMacaoOptions } from './options';
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

class AlipayMacaoStrategy extends SignedExchangeStrategy<AlipayMacaoTokenParams, AlipayMacaoProfile, MacaoGrant> {
  private readonly client: MacaoClient;
  private readonly settings: ResolvedMacaoOptions;
  private readonly codeSource: PostedCodeSource;

  constructor(options: AlipayMacaoStrategyOptions | AlipayMacaoStrategyOptionsWithRequest, verify: AnyVerifyFunction<AlipayMacaoTokenParams, AlipayMacaoProfile>) {
    const resolved = resolveMacaoOptions(options);
    super(
      {
        // Macao has no browser redirect; passport-oauth2 requires an authorization URL all the same.
        authorizationURL: resolved.gatewayURL,
        tokenURL: resolved.gatewayURL + functionPath(APPLY_TOKEN),
        clientID: resolved.clientId,
        clientSecret: '',
        skipUserProfile: options.skipUserProfile ?? true,
        passReqToCallback: options.passReqToCallback,
      },
      verify,
    );
    this.name = options.name ?? 'alipay-macao';
    this.settings = resolved;
    this.codeSource = {
      names: ['authCode', 'auth_code'],
      maxLength: MAX_AUTH_CODE_LENGTH,
      acceptFormBody: options.acceptFormBody === true,
      howToSend:
        'POST {"authCode": "…"} with the code from my.getAuthCode (mini program) or AlipayJSBridge getAuthCode (H5)',
    };
    this.client = new MacaoClient(resolved);
  }

  /**
   * Reads the authCode the Alipay MO app gave the page from a JSON POST body (`authCode`, or
   * `auth_code`) and signs the user in. Never redirects: there is no Macao authorization page to
   * send a browser to. See readPostedCode for why only JSON bodies are read.
   */
  override authenticate(req: AuthenticateRequest): void {
    const posted = readPostedCode(req, this.codeSource);
    if (!posted.ok) return this.fail({ message: `Alipay Macao sign-in refused: ${posted.message}` }, 400);
    this.completeLogin(req, posted.code);
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
const TypedAlipayMacaoStrategy = AlipayMacaoStrategy as StrategyConstructor<
  AlipayMacaoStrategyOptions,
  AlipayMacaoStrategyOptionsWithRequest,
  AlipayMacaoTokenParams,
  AlipayMacaoProfile,
  TypedAlipayMacaoStrategy
>;
/** An AlipayMacaoStrategy as applications see it. */
interface TypedAlipayMacaoStrategy extends AlipayPassportStrategy<MacaoGrant> {}
export { TypedAlipayMacaoStrategy as AlipayMacaoStrategy };
