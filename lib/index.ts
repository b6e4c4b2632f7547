/**
 * Passport strategies for Alipay (mainland, browser and in-app) and Alipay Macao.
 * @packageDocumentation
 * @module passport-alipay
 */
import { AlipayStrategy } from './alipay/strategy';

export { AlipayStrategy };
export type { AlipayStrategyOptions, AlipayStrategyOptionsWithRequest, StateStore } from './alipay/options';
export type { AlipayAuthenticateOptions } from './alipay/strategy';
export type { AlipayProfile, AlipayTokenParams } from './alipay/profile';
export { AlipayAPIError } from './alipay/errors';
export { AlipayError, AlipayConfigError, AlipayRequestError, AlipaySignatureError, AlipayTransportError } from './core/errors';
export type { FetchLike, FetchResponseLike } from './core/http';
export type { KeyInput } from './core/keys';
export type {
  AlipayPassportStrategy,
  AuthenticateRequest,
  SkipUserProfileOption,
  StrategyConstructor,
  TokenGrant,
  VerifiedCallback,
  VerifyWithParams,
  VerifyWithProfile,
  VerifyWithRequest,
  VerifyWithRequestAndParams,
} from './core/passport-types';
/** The mainland strategy is also the package's default `Strategy`, as passport-* packages do. */
export { AlipayStrategy as Strategy };

export { AlipayInAppStrategy } from './alipay/in-app-strategy';
export type { AlipayInAppProfile, AppAuthInfoOptions } from './alipay/in-app-strategy';
export type { AlipayInAppStrategyOptions, AlipayInAppStrategyOptionsWithRequest } from './alipay/in-app-options';
export { AlipayPhoneNumberError } from './alipay/phone-number';

export { AlipayMerchantStrategy } from './alipay/merchant-strategy';
export type { AlipayMerchantAuthenticateOptions, AlipayMerchantStrategyOptions, AlipayMerchantStrategyOptionsWithRequest } from './alipay/merchant-strategy';
export type { AlipayMerchantProfile, AlipayMerchantTokenParams, MerchantAuthorization, MerchantTokenStatus } from './alipay/merchant-token';
export { AlipayMerchantError } from './alipay/merchant';
export type { MerchantApp, MerchantCall, MerchantLookup, MerchantOption, MerchantResolver, ResolvedMerchantApp } from './alipay/merchant';

export { AlipayOpenIdClient, OPENID_BATCH_SIZE } from './alipay/openid-client';
export type { AlipayGatewayClientOptions, OpenIdMapping, OpenIdWorkOrderResult } from './alipay/openid-client';
export { AlipayRevocationPoller } from './alipay/revocation-poller';
export type { AlipayRevocationPollerOptions, RevokedAuthorization } from './alipay/revocation-poller';
export { alipayNotifications, verifyNotificationSignature, USER_AUTH_CANCELLED } from './alipay/notifications';
export type {
  AlipayNotification,
  AlipayNotificationsHandler,
  AlipayNotificationsOptions,
  NotificationHandler,
  UserAuthCancelledNotification,
} from './alipay/notifications';

export { AlipayMacaoStrategy } from './macao/strategy';
export type { AlipayMacaoStrategyOptions, AlipayMacaoStrategyOptionsWithRequest } from './macao/options';
export type { AlipayMacaoProfile, AlipayMacaoTokenParams, MacaoGrant } from './macao/profile';
export { AlipayMacaoAPIError } from './macao/errors';

export { RedisStateStore, AlipayStateStoreError } from './core/redis-state-store';
export { AlipayStateBindingError } from './core/browser-binding';
export type { RedisStateClient, RedisStateStoreOptions } from './core/redis-state-store';
export { MemorySingleUseStore } from './core/single-use';
export type { SingleUseStore } from './core/single-use';
export { CALL_CHANNEL } from './core/diagnostics';
export type { CallMessage } from './core/diagnostics';
