/** AlipayStrategy's options: their types, defaults and validation. */
import type { Agent } from 'http';
import type { KeyObject } from 'crypto';
import { AlipayConfigError } from '../core/errors';
import type { FetchLike, HttpSettings } from '../core/http';
import { assertNotOwnPublicKey, loadPrivateKey, loadPublicKey, type KeyInput } from '../core/keys';
import { rejectForeignOptionNames, requireCallbackURL, requireEndpoint, requireString, resolveHttpSettings } from '../core/options';
import type { SkipUserProfileOption } from '../core/passport-types';
import type { MerchantOption } from './merchant';
import { certificateSn, loadCertificate, rootCertificateSn, type CertificateSns } from './cert-sn';

export const PRODUCTION_AUTHORIZATION_URL = 'https://openauth.alipay.com/oauth2/publicAppAuthorize.htm';
export const PRODUCTION_GATEWAY_URL = 'https://openapi.alipay.com/gateway.do';
export const SANDBOX_AUTHORIZATION_URL = 'https://openauth-sandbox.dl.alipaydev.com/oauth2/publicAppAuthorize.htm';
export const SANDBOX_GATEWAY_URL = 'https://openapi-sandbox.dl.alipaydev.com/gateway.do';

/** A passport-oauth2 state store (`store`/`verify` in any of the arities passport-oauth2 accepts). */
export interface StateStore {
  /** Issues a state for a login that starts; passport-oauth2 accepts several arities. */
  store(...args: any[]): void;
  /** Checks (and consumes) the state a callback carries. */
  verify(...args: any[]): void;
}

/** What every mainland strategy needs to call the OpenAPI gateway (AlipayStrategy, AlipayInAppStrategy). */
export interface MainlandGatewayOptions {
  /** The application's APPID (16 digits). */
  appId: string;
  /** The application's RSA private key: PEM or bare base64, PKCS#8 or PKCS#1. */
  privateKey: KeyInput;
  /** Alipay's public key (支付宝公钥): PEM or bare base64 SPKI. Not used in certificate mode. */
  alipayPublicKey?: KeyInput;
  /** Certificate mode: the application public-key certificate (PEM text of appCertPublicKey_*.crt). */
  appCert?: string;
  /** Certificate mode: Alipay's public-key certificate (PEM text of alipayCertPublicKey_RSA2.crt). */
  alipayPublicCert?: string;
  /** Certificate mode: Alipay's root certificate bundle (PEM text of alipayRootCert.crt). */
  alipayRootCert?: string;
  /** Use Alipay's sandbox endpoints. */
  sandbox?: boolean;
  /** Full gateway address (…/gateway.do); overrides `sandbox`. */
  gatewayURL?: string;
  /** Milliseconds allowed for each gateway call (default 5000). */
  timeout?: number;
  /**
   * Seconds a token answer's `auth_start` may lie from this server's clock, either way (default
   * 300). A login's answer outside it is refused as replayed (`ALIPAY_ANSWER_STALE`): keep the
   * server's clock synchronised (NTP).
   */
  answerWindow?: number;
  /** HTTP agent for gateway calls (keep-alive tuning, proxies). */
  agent?: Agent;
  /** A fetch implementation for gateway calls (node-fetch, undici, globalThis.fetch); default: Node's http/https. */
  fetch?: FetchLike;
  /** Skip or make `alipay.user.info.share` (nickname, avatar; needs an auth_user grant). */
  skipUserProfile?: SkipUserProfileOption;
  /** Strategy name. */
  name?: string;
}

/** The options of a browser-redirect login (AlipayStrategy, AlipayMerchantStrategy). */
export interface RedirectLoginOptions {
  /** Where Alipay sends the browser back; absolute, or relative to the request's host. */
  callbackURL: string;
  /** Full authorization page address; overrides `sandbox`. */
  authorizationURL?: string;
  /** CSRF protection with a `state` kept in the session (default true). */
  state?: boolean;
  /** A state store (e.g. RedisStateStore), or `true` for passport-oauth2's store that also keeps app state. */
  store?: StateStore | true;
  /** Trust `X-Forwarded-Proto` / `X-Forwarded-Host` when resolving a relative callbackURL (Express's `trust proxy` setting also works). */
  proxy?: boolean;
  /** Session key of the state (default `oauth2:<authorization host>`). */
  sessionKey?: string;
}

/** AlipayStrategy's options; `AlipayStrategyOptions` or `AlipayStrategyOptionsWithRequest` add passReqToCallback. */
export interface AlipayStrategyOptionsBase extends MainlandGatewayOptions, RedirectLoginOptions {
  /** `auth_base` (default: silent, user id only) or `auth_user` (consent; nickname and avatar). */
  scope?: string | string[];
  /** Skip `alipay.user.info.share` (default: decided per login, from the scope Alipay granted). */
  skipUserProfile?: SkipUserProfileOption;
  /**
   * Service providers (第三方应用): sign users into a merchant's app. The merchant app
   * `{ appId, appAuthToken, callbackURL? }`, or a function of the request returning it (sync or
   * async). The redirect then names the merchant's app and callback; the gateway calls are signed
   * with this strategy's (the provider's) appId and keys and carry the merchant's app_auth_token.
   */
  merchant?: MerchantOption;
  /** Strategy name (default `alipay`). */
  name?: string;
}

/** Options for a verify function without the request (the default). */
export interface AlipayStrategyOptions extends AlipayStrategyOptionsBase {
  /** The verify function does not receive the request (the default). */
  passReqToCallback?: false;
}

/** Options for a verify function that receives the request first. */
export interface AlipayStrategyOptionsWithRequest extends AlipayStrategyOptionsBase {
  /** The verify function receives the request first. */
  passReqToCallback: true;
}

/** The validated gateway settings (AlipayGateway's configuration). */
export interface ResolvedGatewayOptions {
  appId: string;
  privateKey: KeyObject;
  alipayPublicKey: KeyObject;
  certificates?: CertificateSns;
  gatewayURL: string;
  http: HttpSettings;
  /** Seconds `auth_start` may differ from now on a login's token answer. */
  answerWindowSeconds: number;
}

export interface ResolvedAlipayOptions extends ResolvedGatewayOptions {
  authorizationURL: string;
  callbackURL: string;
  scope: string;
}

/** Scopes are comma-joined on the wire; spaces or arrays are accepted for convenience. */
export function normaliseScope(scope: string | string[] | undefined): string {
  const parts = (Array.isArray(scope) ? scope : [scope ?? 'auth_base']).flatMap((s) => String(s).split(/[\s,]+/));
  const scopes = parts.filter(Boolean);
  if (scopes.length === 0) throw new AlipayConfigError('scope must name at least one scope, e.g. "auth_base" or "auth_user".');
  return scopes.join(',');
}

function resolveKeys(options: MainlandGatewayOptions) {
  const privateKey = loadPrivateKey(options.privateKey, 'privateKey');
  const certMode = options.appCert !== undefined || options.alipayPublicCert !== undefined || options.alipayRootCert !== undefined;
  if (!certMode) {
    const alipayPublicKey = loadPublicKey(options.alipayPublicKey, 'alipayPublicKey');
    assertNotOwnPublicKey(privateKey, alipayPublicKey, 'alipayPublicKey');
    return { privateKey, alipayPublicKey };
  }
  if (options.alipayPublicKey !== undefined) {
    throw new AlipayConfigError(
      'alipayPublicKey and certificate mode (appCert, alipayPublicCert, alipayRootCert) exclude each other: ' +
        "in certificate mode Alipay's key is read from alipayPublicCert.",
    );
  }
  for (const option of ['appCert', 'alipayPublicCert', 'alipayRootCert'] as const) {
    if (options[option] === undefined) {
      throw new AlipayConfigError(
        `Certificate mode needs appCert, alipayPublicCert and alipayRootCert (PEM text of the three .crt files); ${option} is missing.`,
      );
    }
  }
  const appCert = loadCertificate(options.appCert, 'appCert');
  const alipayCert = loadCertificate(options.alipayPublicCert, 'alipayPublicCert');
  if (!appCert.checkPrivateKey(privateKey)) {
    throw new AlipayConfigError('appCert does not belong to privateKey: download the certificate issued for this key pair.');
  }
  const alipayPublicKey = alipayCert.publicKey;
  assertNotOwnPublicKey(privateKey, alipayPublicKey, 'alipayPublicCert');
  return {
    privateKey,
    alipayPublicKey,
    certificates: {
      appCertSn: certificateSn(appCert),
      alipayCertSn: certificateSn(alipayCert),
      alipayRootCertSn: rootCertificateSn(options.alipayRootCert, 'alipayRootCert'),
    },
  };
}

/** Default tolerance between a token answer's `auth_start` and this server's clock. */
export const DEFAULT_ANSWER_WINDOW_SECONDS = 300;

function resolveAnswerWindow(value: unknown): number {
  if (value === undefined) return DEFAULT_ANSWER_WINDOW_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AlipayConfigError(`answerWindow must be a positive number of seconds (default ${DEFAULT_ANSWER_WINDOW_SECONDS}).`);
  }
  return value;
}

/** Validates what every mainland strategy needs; `strategy` and `required` shape the messages. */
export function resolveGatewayOptions(options: MainlandGatewayOptions, strategy: string, required: string): ResolvedGatewayOptions {
  if (typeof options !== 'object' || options === null) {
    throw new AlipayConfigError(`${strategy} requires an options object: { ${required} }.`);
  }
  rejectForeignOptionNames(options, { clientID: 'appId', clientSecret: 'privateKey' });
  const appId = requireString(options.appId, 'appId', "the application's APPID from the Alipay console");
  return {
    appId,
    ...resolveKeys(options),
    gatewayURL: requireEndpoint(options.gatewayURL ?? (options.sandbox ? SANDBOX_GATEWAY_URL : PRODUCTION_GATEWAY_URL), 'gatewayURL'),
    http: resolveHttpSettings(options),
    answerWindowSeconds: resolveAnswerWindow(options.answerWindow),
  };
}

export function resolveAlipayOptions(options: AlipayStrategyOptionsBase): ResolvedAlipayOptions {
  const gateway = resolveGatewayOptions(options, 'AlipayStrategy', 'appId, privateKey, alipayPublicKey, callbackURL');
  return {
    ...gateway,
    authorizationURL: requireEndpoint(
      options.authorizationURL ?? (options.sandbox ? SANDBOX_AUTHORIZATION_URL : PRODUCTION_AUTHORIZATION_URL),
      'authorizationURL',
    ),
    callbackURL: requireCallbackURL(options.callbackURL),
    scope: normaliseScope(options.scope),
  };
}
