/**
 * AlipayInAppStrategy: sign in with an auth code obtained inside Alipay — a mini program
 * (`my.getAuthCode`), a page in the Alipay wallet (`ap.getAuthCode`) or a native app through the
 * Alipay App SDK — which the client POSTs as JSON. The code is exchanged with the same signed
 * `alipay.system.oauth.token` call as the browser flow; a `phoneNumber` payload from
 * `my.getPhoneNumber` is verified and decrypted into the profile. Never redirects.
 */
import { createHash, type KeyObject } from 'crypto';
import type { SingleUseStore } from '../core/single-use';
import { AlipayConfigError } from '../core/errors';
import type { AlipayPassportStrategy, AnyVerifyFunction, AuthenticateRequest, StrategyConstructor, TokenGrant } from '../core/passport-types';
import { readPostedCode, type PostedCodeSource } from '../core/posted-code';
import { randomToken } from '../core/random';
import { signSha256WithRsa } from '../core/rsa';
import { settle } from '../core/strategy-base';
import {
  resolveInAppOptions,
  type AlipayInAppStrategyOptions,
  type AlipayInAppStrategyOptionsWithRequest,
} from './in-app-options';
import { MainlandExchangeStrategy } from './mainland-exchange';
import { merchantSource, type MerchantCall, type ResolvedMerchant } from './merchant';
import { AlipayPhoneNumberError, readPhoneNumber } from './phone-number';
import type { AlipayProfile, AlipayTokenParams } from './profile';
import { buildSignContent, encodeForm } from './sign-content';

/** The mainland profile of an in-app login, with the verified phone number when one was posted. */
export interface AlipayInAppProfile extends AlipayProfile {
  /** The verified mobile number from `my.getPhoneNumber`, when the client posted one. Contact data, never an identity. */
  phoneNumber?: string;
  /** The same number as passport's `[{ value }]`. */
  phoneNumbers?: {
    /** The mobile number. */
    value: string;
  }[];
}

/** What `appAuthInfo` signs for the Alipay App SDK's auth call. */
export interface AppAuthInfoOptions {
  /** The merchant's partner id (PID, 16 digits starting with 2088). */
  pid: string;
  /** Unique per request (default: a fresh random id). */
  targetId?: string;
}

/** Alipay auth codes are 32–40 characters; some headroom, never unbounded. */
const MAX_AUTH_CODE_LENGTH = 128;
/** How long a used phone payload is remembered (payloads decrypt for as long as the app's key stays). */
const PHONE_PAYLOAD_TTL_SECONDS = 24 * 3600;
const PID = /^2088\d{12}$/;
const TARGET_ID = /^[A-Za-z0-9_-]{1,64}$/;

class AlipayInAppStrategy extends MainlandExchangeStrategy<AlipayInAppProfile> {
  private readonly appId: string;
  private readonly privateKey: KeyObject;
  private readonly alipayPublicKey: KeyObject;
  private readonly aesKey: KeyObject | undefined;
  private readonly phoneNumberOnce: SingleUseStore | undefined;
  /** Warnings already given; shared by passport's per-request copies of the strategy. */
  private readonly warned = new Set<string>();
  private readonly codeSource: PostedCodeSource;

  constructor(
    options: AlipayInAppStrategyOptions | AlipayInAppStrategyOptionsWithRequest,
    verify: AnyVerifyFunction<AlipayTokenParams, AlipayInAppProfile>,
  ) {
    const { gateway: resolved, aesKey, phoneNumberOnce } = resolveInAppOptions(options);
    super(
      resolved,
      {
        // No browser redirect; passport-oauth2 requires an authorization URL all the same.
        authorizationURL: resolved.gatewayURL,
        skipUserProfile: options.skipUserProfile ?? true,
        passReqToCallback: options.passReqToCallback,
      },
      verify,
      merchantSource(options.merchant, 'AlipayInAppStrategy'),
    );
    this.name = options.name ?? 'alipay-in-app';
    this.appId = resolved.appId;
    this.privateKey = resolved.privateKey;
    this.alipayPublicKey = resolved.alipayPublicKey;
    this.aesKey = aesKey;
    this.phoneNumberOnce = phoneNumberOnce;
    this.codeSource = {
      names: ['authCode', 'auth_code'],
      maxLength: MAX_AUTH_CODE_LENGTH,
      acceptFormBody: options.acceptFormBody === true,
      howToSend: 'POST {"authCode": "…"} with the code from my.getAuthCode, ap.getAuthCode or the App SDK (my.request sends JSON)',
    };
  }

  /**
   * Reads `authCode` (and the optional `phoneNumber` payload) from a JSON POST body, checks the
   * phone payload before any gateway call, exchanges the code and signs the user in.
   */
  override authenticate(req: AuthenticateRequest): void {
    const posted = readPostedCode(req, this.codeSource);
    if (!posted.ok) return this.fail({ message: `Alipay in-app sign-in refused: ${posted.message}` }, 400);
    if (!this.merchant) return this.signIn(req, posted.code, posted.body.phoneNumber, undefined);
    settle(
      this.merchant(req, {}),
      (merchant) => this.signIn(req, posted.code, posted.body.phoneNumber, merchant),
      (err) => this.error(err as Error),
    );
  }

  /** Checks the phone payload (with the merchant's AES key, if it has one), then exchanges the code. */
  private signIn(req: AuthenticateRequest, code: string, phone: unknown, merchant: ResolvedMerchant | undefined): void {
    const context = merchant; // a ResolvedMerchant is the MerchantCall its gateway calls need
    if (phone === undefined || phone === null || phone === '') return this.completeLogin(req, code, { context });
    const aesKey = merchant?.aesKey ?? this.aesKey;
    if (!aesKey) this.warnOnce('phone-without-aes-key');
    let read: { mobile: string; ciphertext: string };
    try {
      read = readPhoneNumber(phone, { alipayPublicKey: this.alipayPublicKey, aesKey });
    } catch (err) {
      return this.error(err as Error);
    }
    const profileExtras: Partial<AlipayInAppProfile> = { phoneNumber: read.mobile, phoneNumbers: [{ value: read.mobile }] };
    if (!this.phoneNumberOnce) return this.completeLogin(req, code, { profileExtras, context });
    const digest = createHash('sha256').update(read.ciphertext).digest('base64url');
    settle(
      this.phoneNumberOnce.claimOnce(`phone:${digest}`, PHONE_PAYLOAD_TTL_SECONDS),
      (first) =>
        first
          ? this.completeLogin(req, code, { profileExtras, context })
          : this.error(new AlipayPhoneNumberError('This phone payload was already used: call my.getPhoneNumber again.', 'ALIPAY_PHONE_REUSED')),
      (err) => this.error(err as Error),
    );
  }

  /**
   * A configuration problem that clients reveal (a phone number posted to a strategy without
   * aesKey): told to the operator once per strategy, while each client gets its 400.
   */
  private warnOnce(problem: 'phone-without-aes-key'): void {
    if (this.warned.has(problem)) return;
    this.warned.add(problem);
    process.emitWarning(
      `${this.name}: a client posted a phoneNumber, but aesKey is not configured, so phone numbers are refused (400). ` +
        'Set aesKey to the content-encryption key (接口内容加密方式) from the Alipay console to read them.',
      { code: 'PASSPORT_ALIPAY_NO_AES_KEY' },
    );
  }

  /**
   * The signed authInfo string the Alipay App SDK's auth call (`authV2` / `authWithInfo`) takes
   * (PROTOCOL A8): sorted raw `key=value` pairs signed with RSA2, then every value and the
   * signature URL-encoded. Build it on the server for each login; never ship the private key.
   */
  appAuthInfo(options: AppAuthInfoOptions): string {
    const pid = options?.pid;
    if (typeof pid !== 'string' || !PID.test(pid)) {
      throw new AlipayConfigError('appAuthInfo needs pid: the merchant partner id (16 digits starting with 2088) from the Alipay console.');
    }
    const targetId = options.targetId ?? randomToken(12);
    if (typeof targetId !== 'string' || !TARGET_ID.test(targetId)) {
      throw new AlipayConfigError('appAuthInfo targetId must be 1–64 letters, digits, "-" or "_", unique per request.');
    }
    const fields = {
      apiname: 'com.alipay.account.auth',
      app_id: this.appId,
      app_name: 'mc',
      auth_type: 'AUTHACCOUNT',
      biz_type: 'openservice',
      method: 'alipay.open.auth.sdk.code.get',
      pid,
      product_id: 'APP_FAST_LOGIN',
      scope: 'kuaijie',
      sign_type: 'RSA2',
      target_id: targetId,
    };
    const sign = signSha256WithRsa(buildSignContent(fields), this.privateKey);
    return `${encodeForm(fields)}&sign=${encodeURIComponent(sign)}`;
  }
}

/** Sign in from inside Alipay (mini program, in-wallet page, native app), typed per verify shape. */
const TypedAlipayInAppStrategy = AlipayInAppStrategy as StrategyConstructor<
  AlipayInAppStrategyOptions,
  AlipayInAppStrategyOptionsWithRequest,
  AlipayTokenParams,
  AlipayInAppProfile,
  TypedAlipayInAppStrategy
>;
/** An AlipayInAppStrategy as applications see it. */
interface TypedAlipayInAppStrategy extends AlipayPassportStrategy<TokenGrant<AlipayTokenParams>> {
  /**
   * Exchanges a refresh token for new tokens; keep the refresh token it returns. With a `merchant`
   * resolver, pass the merchant's `{ appAuthToken }` (a fixed `merchant` is used by default).
   */
  refresh(refreshToken: string, merchant?: MerchantCall): Promise<TokenGrant<AlipayTokenParams>>;
  /** The signed authInfo string for the Alipay App SDK (`authV2` / `authWithInfo`) in a native app. */
  appAuthInfo(options: AppAuthInfoOptions): string;
}
export { TypedAlipayInAppStrategy as AlipayInAppStrategy };
