/** AlipayInAppStrategy's options: their types, defaults and validation. */
import type { KeyObject } from 'crypto';
import { AlipayConfigError } from '../core/errors';
import type { SingleUseStore } from '../core/single-use';
import type { MerchantOption } from './merchant';
import { loadAesKey } from './phone-number';
import { resolveGatewayOptions, type MainlandGatewayOptions, type ResolvedGatewayOptions } from './options';

/** AlipayInAppStrategy's options; `AlipayInAppStrategyOptions` or `…WithRequest` add passReqToCallback. */
export interface AlipayInAppStrategyOptionsBase extends MainlandGatewayOptions {
  /**
   * The app's content-encryption key (接口内容加密方式, AES), base64 as the console shows it. Needed
   * to read the phone number from `my.getPhoneNumber`.
   */
  aesKey?: string;
  /**
   * Accept each phone payload once: a store (RedisStateStore has the method) that claims a digest
   * of the payload for a day. A phone payload is bound to no user and no login, so without this a
   * payload captured once can be posted again, with anyone's code, for as long as it decrypts.
   * It stops reuse; it cannot stop the first use of a stolen payload. The number is never an identity.
   */
  phoneNumberOnce?: SingleUseStore;
  /**
   * Also accept the authCode from a urlencoded or multipart form body. Only for routes that check
   * their own CSRF token: by default the code is taken only from a JSON body (login CSRF).
   */
  acceptFormBody?: boolean;
  /**
   * Service providers (第三方应用): sign users into a merchant's mini program or app. The merchant
   * app `{ appId, appAuthToken, aesKey? }`, or a function of the request returning it (sync or
   * async). The exchange is signed with this strategy's (the provider's) appId and keys and carries
   * the merchant's app_auth_token; the merchant's `aesKey` (a template's mini programs each have
   * their own) replaces this strategy's for phone numbers.
   */
  merchant?: MerchantOption;
  /** Strategy name (default `alipay-in-app`). */
  name?: string;
}

/** Options for a verify function without the request (the default). */
export interface AlipayInAppStrategyOptions extends AlipayInAppStrategyOptionsBase {
  /** The verify function does not receive the request (the default). */
  passReqToCallback?: false;
}

/** Options for a verify function that receives the request first. */
export interface AlipayInAppStrategyOptionsWithRequest extends AlipayInAppStrategyOptionsBase {
  /** The verify function receives the request first. */
  passReqToCallback: true;
}

export interface ResolvedInAppOptions {
  gateway: ResolvedGatewayOptions;
  /** Kept apart from the gateway settings: only the phone-number reader may hold it. */
  aesKey?: KeyObject;
  phoneNumberOnce?: SingleUseStore;
}

export function resolveInAppOptions(options: AlipayInAppStrategyOptionsBase): ResolvedInAppOptions {
  const gateway = resolveGatewayOptions(options, 'AlipayInAppStrategy', 'appId, privateKey, alipayPublicKey');
  for (const redirectOnly of ['callbackURL', 'scope', 'state', 'store'] as const) {
    if (redirectOnly in options) {
      throw new AlipayConfigError(
        `${redirectOnly} is an option of AlipayStrategy (the browser redirect); AlipayInAppStrategy receives codes ` +
          'that the client got from my.getAuthCode / ap.getAuthCode / the App SDK, and never redirects.',
      );
    }
  }
  const once = options.phoneNumberOnce;
  if (once !== undefined && (typeof once !== 'object' || once === null || typeof once.claimOnce !== 'function')) {
    throw new AlipayConfigError('phoneNumberOnce must be a store with claimOnce(key, ttlSeconds), such as a RedisStateStore.');
  }
  return { gateway, aesKey: loadAesKey(options.aesKey), phoneNumberOnce: once };
}
