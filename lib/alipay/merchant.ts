/**
 * Service providers (第三方应用, PROTOCOL A9): a provider's backend signs users into many merchants'
 * apps. The authorization redirect names the merchant's app; the gateway calls are signed by the
 * provider's app and carry the `app_auth_token` the merchant granted it. This module validates the
 * `merchant` option and what a resolver returns, once for both mainland strategies.
 */
import type { KeyObject } from 'crypto';
import { AlipayConfigError, AlipayError } from '../core/errors';
import { requireCallbackURL } from '../core/options';
import type { AuthenticateRequest } from '../core/passport-types';
import { loadAesKey } from './phone-number';

/** A merchant's app that a service provider signs users into. */
export interface MerchantApp {
  /** The merchant app's APPID: the authorization redirect carries it. */
  appId: string;
  /** The app_auth_token the merchant granted to the service provider (what AlipayMerchantStrategy yields). */
  appAuthToken: string;
  /** The merchant app's registered callback (AlipayStrategy); default: the strategy's callbackURL. */
  callbackURL?: string;
  /** The merchant mini program's AES key, base64 (AlipayInAppStrategy's phone numbers); default: the strategy's aesKey. */
  aesKey?: string;
}

/** What a merchant resolver is told besides the request. */
export interface MerchantLookup {
  /**
   * At a callback: the `app_id` Alipay sent back, to find the merchant by when one callback route
   * serves many merchants. Not yet trusted: the strategy then checks the merchant you return
   * against the one recorded with the login's state. Undefined when a login starts, and in-app.
   */
  appId?: string;
}

/**
 * Picks the merchant app of a request (by host name, path, tenant…). Returning nothing refuses the
 * login with `ALIPAY_MERCHANT_UNKNOWN` (404); it never falls back to the provider's own app.
 */
export type MerchantResolver = (req: AuthenticateRequest, lookup: MerchantLookup) => ResolvedMerchantApp | Promise<ResolvedMerchantApp>;

/**
 * What a resolver returns. `Pick<…>` repeats MerchantApp without its optional fields: an inline
 * resolver returning an object literal is then a subtype of the union, which TypeScript's overload
 * resolution of the strategy constructors needs to keep its verify function's parameter types.
 */
export type ResolvedMerchantApp = MerchantApp | Pick<MerchantApp, 'appId' | 'appAuthToken'> | null | undefined;

/** The `merchant` option: one merchant app, or a resolver per request. */
export type MerchantOption = MerchantApp | MerchantResolver;

/** A merchant's app as the strategies use it: validated, with its AES key loaded. */
export interface ResolvedMerchant {
  appId: string;
  appAuthToken: string;
  callbackURL?: string;
  aesKey?: KeyObject;
}

/** The part of a merchant the gateway calls need: whose login, with which token. */
export interface MerchantCall {
  /** Reported as `params.merchantAppId` / `profile.merchantAppId`; not sent. */
  appId?: string;
  /** Sent as the top-level `app_auth_token` of every call of the login. */
  appAuthToken: string;
}

/** A merchant could not be resolved for a request. */
export class AlipayMerchantError extends AlipayError {
  /** 404 when the resolver named no merchant, 500 when it returned something unusable. */
  readonly status: 404 | 500;

  /** @internal Raised by the strategies; applications only read it. */
  constructor(message: string, code: 'ALIPAY_MERCHANT_UNKNOWN' | 'ALIPAY_MERCHANT_INVALID') {
    super(message, code);
    this.status = code === 'ALIPAY_MERCHANT_UNKNOWN' ? 404 : 500;
  }
}

const APP_ID = /^\d{16}$/;

/** Why `value` is not a usable merchant app, or undefined when it is. */
function merchantProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'it must be an object { appId, appAuthToken, callbackURL?, aesKey? }';
  const { appId, appAuthToken } = value as Record<string, unknown>;
  if (typeof appId !== 'string' || !APP_ID.test(appId)) return "appId must be the merchant app's 16-digit APPID";
  if (typeof appAuthToken !== 'string' || appAuthToken.trim() === '') {
    return 'appAuthToken must be the app_auth_token the merchant granted to the service provider (AlipayMerchantStrategy yields it)';
  }
  return undefined;
}

function resolvedFrom(app: MerchantApp): ResolvedMerchant {
  const resolved: ResolvedMerchant = { appId: app.appId, appAuthToken: app.appAuthToken.trim() };
  if (app.callbackURL !== undefined) resolved.callbackURL = requireCallbackURL(app.callbackURL);
  if (app.aesKey !== undefined) resolved.aesKey = loadAesKey(app.aesKey);
  return resolved;
}

/** Resolves a request's merchant app, or throws what the login should fail with. */
export interface MerchantSource {
  (req: AuthenticateRequest, lookup: MerchantLookup): Promise<ResolvedMerchant>;
  /** The merchant app, when the option named one rather than a resolver. */
  fixed?: ResolvedMerchant;
}

/**
 * Validates the `merchant` option at construction: a plain object is checked (and loaded) once, a
 * resolver's answers on each login. Undefined when the strategy signs into the provider's own app.
 */
export function merchantSource(option: unknown, strategy: string): MerchantSource | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') {
    const resolver = option as MerchantResolver;
    return async (req: AuthenticateRequest, lookup: MerchantLookup) => {
      const app = await resolver(req, lookup);
      if (app === undefined || app === null) {
        throw new AlipayMerchantError(`${strategy}: the merchant resolver named no merchant app for this request.`, 'ALIPAY_MERCHANT_UNKNOWN');
      }
      const problem = merchantProblem(app);
      if (problem) throw new AlipayMerchantError(`${strategy}: the merchant resolver returned an unusable merchant app: ${problem}.`, 'ALIPAY_MERCHANT_INVALID');
      try {
        return resolvedFrom(app);
      } catch (err) {
        throw new AlipayMerchantError(`${strategy}: the merchant resolver returned an unusable merchant app: ${(err as Error).message}`, 'ALIPAY_MERCHANT_INVALID');
      }
    };
  }
  const problem = merchantProblem(option);
  if (problem) throw new AlipayConfigError(`merchant: ${problem}; or pass a function (req) => that object, sync or async.`);
  const fixed = resolvedFrom(option as MerchantApp);
  return Object.assign(async () => fixed, { fixed });
}
