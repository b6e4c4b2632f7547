/** AlipayMacaoStrategy's options: their types, defaults and validation. */
import type { Agent } from 'http';
import type { KeyObject } from 'crypto';
import { AlipayConfigError } from '../core/errors';
import { PRINTABLE_ASCII } from '../core/fields';
import type { FetchLike, HttpSettings } from '../core/http';
import { assertNotOwnPublicKey, loadPrivateKey, loadPublicKey, type KeyInput } from '../core/keys';
import { rejectForeignOptionNames, requireEndpoint, requireString, resolveHttpSettings } from '../core/options';
import type { SkipUserProfileOption } from '../core/passport-types';

export const MACAO_GATEWAY_URL = 'https://open.alipaymo.com';
export const DEFAULT_AUTH_SITE = 'ALIPAY_MO';

/** AlipayMacaoStrategy's options; `AlipayMacaoStrategyOptions` or `…WithRequest` add passReqToCallback. */
export interface AlipayMacaoStrategyOptionsBase {
  /** The client id assigned by Alipay Macao (at most 32 characters). */
  clientId: string;
  /** The merchant the user authorizes (authMerchantId, at most 64 characters). */
  authMerchantId: string;
  /** The application's RSA private key: PEM or bare base64, PKCS#8 or PKCS#1. */
  privateKey: KeyInput;
  /** Alipay Macao's public key: PEM or bare base64 SPKI. */
  alipayPublicKey: KeyInput;
  /** The site's base address (default https://open.alipaymo.com); API paths are appended. */
  gatewayURL?: string;
  /** The auth site (default ALIPAY_MO). */
  authSite?: string;
  /** Milliseconds allowed for each call (default 5000). */
  timeout?: number;
  /** HTTP agent for the calls (keep-alive tuning, proxies). */
  agent?: Agent;
  /** A fetch implementation for the calls (node-fetch, undici, globalThis.fetch); default: Node's http/https. */
  fetch?: FetchLike;
  /** Skip getUserInfo (default true). When false, the profile gains the user's mobile number. */
  skipUserProfile?: SkipUserProfileOption;
  /**
   * Also accept the authCode from a urlencoded or multipart form body. Only for routes that check
   * their own CSRF token: by default the code is taken only from a JSON body (login CSRF).
   */
  acceptFormBody?: boolean;
  /** Strategy name (default `alipay-macao`). */
  name?: string;
}

/** Options for a verify function without the request (the default). */
export interface AlipayMacaoStrategyOptions extends AlipayMacaoStrategyOptionsBase {
  /** The verify function does not receive the request (the default). */
  passReqToCallback?: false;
}

/** Options for a verify function that receives the request first. */
export interface AlipayMacaoStrategyOptionsWithRequest extends AlipayMacaoStrategyOptionsBase {
  /** The verify function receives the request first. */
  passReqToCallback: true;
}

export interface ResolvedMacaoOptions {
  clientId: string;
  authMerchantId: string;
  authSite: string;
  privateKey: KeyObject;
  alipayPublicKey: KeyObject;
  gatewayURL: string;
  http: HttpSettings;
}

function bounded(value: unknown, option: string, max: number, explanation: string): string {
  const text = requireString(value, option, explanation);
  if (text.length > max || !PRINTABLE_ASCII.test(text)) {
    throw new AlipayConfigError(`${option} must be at most ${max} printable ASCII characters (${explanation}).`);
  }
  return text;
}

export function resolveMacaoOptions(options: AlipayMacaoStrategyOptionsBase): ResolvedMacaoOptions {
  if (typeof options !== 'object' || options === null) {
    throw new AlipayConfigError(
      'AlipayMacaoStrategy requires an options object: { clientId, authMerchantId, privateKey, alipayPublicKey }.',
    );
  }
  rejectForeignOptionNames(options, { clientID: 'clientId', clientSecret: 'privateKey', appId: 'clientId' });
  const clientId = bounded(options.clientId, 'clientId', 32, 'the client id Alipay Macao assigned to the application');
  const authMerchantId = bounded(options.authMerchantId, 'authMerchantId', 64, 'the merchant id users authorize');
  const authSite = bounded(options.authSite ?? DEFAULT_AUTH_SITE, 'authSite', 32, 'normally ALIPAY_MO');
  const privateKey = loadPrivateKey(options.privateKey, 'privateKey');
  const alipayPublicKey = loadPublicKey(options.alipayPublicKey, 'alipayPublicKey');
  assertNotOwnPublicKey(privateKey, alipayPublicKey, 'alipayPublicKey');
  const gatewayURL = requireEndpoint(options.gatewayURL ?? MACAO_GATEWAY_URL, 'gatewayURL');
  if (new URL(gatewayURL).search) {
    throw new AlipayConfigError('gatewayURL is the site\'s base address (e.g. https://open.alipaymo.com), without a query string.');
  }
  return {
    clientId,
    authMerchantId,
    authSite,
    privateKey,
    alipayPublicKey,
    gatewayURL: gatewayURL.replace(/\/+$/, ''),
    http: resolveHttpSettings(options),
  };
}
