/** passport-alipay: Passport strategies for Alipay (mainland) and Alipay Macao. */
import { AlipayStrategy } from './alipay/strategy';

export { AlipayStrategy };
export type { AlipayStrategyOptions, StateStore } from './alipay/options';
export type { AlipayAuthenticateOptions } from './alipay/strategy';
export type { AlipayProfile, AlipayTokenParams } from './alipay/profile';
export { AlipayAPIError } from './alipay/errors';
export { AlipayError, AlipayConfigError, AlipayRequestError, AlipaySignatureError, AlipayTransportError } from './core/errors';
export type { FetchLike, FetchResponseLike } from './core/http';
export type { KeyInput } from './core/keys';
export type {
  SkipUserProfileOption,
  StrategyConstructor,
  TokenGrant,
  VerifiedCallback,
  VerifyFunction,
  VerifyFunctionWithRequest,
  VerifyWithParams,
  VerifyWithProfile,
  VerifyWithRequest,
  VerifyWithRequestAndParams,
} from './core/passport-types';
/** The mainland strategy is also the package's default `Strategy`, as passport-* packages do. */
export { AlipayStrategy as Strategy };

export { AlipayMacaoStrategy } from './macao/strategy';
export type { AlipayMacaoStrategyOptions } from './macao/options';
export type { AlipayMacaoProfile, AlipayMacaoTokenParams, MacaoGrant } from './macao/profile';
export { AlipayMacaoAPIError } from './macao/errors';
