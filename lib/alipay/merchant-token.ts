/**
 * What `alipay.open.auth.token.app` and `alipay.open.auth.token.app.query` answer about a merchant's
 * authorization of a service provider (PROTOCOL A9), read from verified payloads.
 */
import { parseShanghaiTimestamp } from '../core/clock';
import { AlipayTransportError } from '../core/errors';
import { fieldText, isRecord } from '../core/fields';
import type { TokenGrant } from '../core/passport-types';
import { optionalSeconds, withoutTokens } from './profile';

/** One app a merchant authorized: an entry of the answer (the flat answer is one, `tokens` may hold several). */
export interface MerchantAuthorization {
  /** The token the provider calls the merchant's app with (sent as `app_auth_token`). */
  app_auth_token: string;
  /** Spent by its use: each refresh returns a new one. */
  app_refresh_token?: string;
  /** Seconds the app_auth_token lives. */
  expires_in?: number;
  /** Seconds the app_refresh_token lives. */
  re_expires_in?: number;
  /** The merchant's user id (2088…). */
  user_id?: string;
  /** The merchant's open_id, where the answer carries that instead. */
  open_id?: string;
  /** The merchant app that was authorized. */
  auth_app_id?: string;
}

/** The `alipay.open.auth.token.app` payload: its first authorization, and all of them. */
export interface AlipayMerchantTokenParams extends MerchantAuthorization {
  /** Every authorization of a batch answer (`tokens`); one entry for a flat answer. */
  tokens: MerchantAuthorization[];
  /** Whatever else the verified answer carried. */
  [field: string]: unknown;
}

/** The merchant who authorized the service provider, as passport's profile. Never a token. */
export interface AlipayMerchantProfile {
  /** Always `'alipay'`. */
  provider: 'alipay';
  /** The merchant's `user_id` (2088…), else its `open_id`. */
  id: string;
  /** The merchant's user id, when the answer carries it. */
  userId?: string;
  /** The merchant's open_id, when the answer carries it. */
  openId?: string;
  /** The merchant app the tokens are for (`auth_app_id`). */
  authAppId?: string;
  /** Every merchant app this authorization covers (batch authorization), in the answer's order. */
  authAppIds: string[];
  /** The verified answer without its tokens. */
  _json: Record<string, unknown>;
}

/** What `merchantTokenStatus` reports about an app_auth_token. */
export interface MerchantTokenStatus {
  /** `valid` or `invalid`, as Alipay reports it. */
  status: string;
  /** True when Alipay reports the token valid. */
  valid: boolean;
  /** The merchant's user id. */
  userId?: string;
  /** The merchant's open_id. */
  openId?: string;
  /** The merchant app the token is for. */
  authAppId?: string;
  /** Seconds the token still lives, as Alipay reports it. */
  expiresIn?: number;
  /** The APIs the merchant authorized. */
  authMethods: string[];
  /** When the authorization started (`yyyy-MM-dd HH:mm:ss`, Shanghai time). */
  authStart?: string;
  /** When the authorization ends (`yyyy-MM-dd HH:mm:ss`, Shanghai time). */
  authEnd?: string;
  /** `authEnd` as a Date, to sort merchants by the lapse of their tokens. */
  expiresAt?: Date;
  /** The verified answer. */
  _json: Record<string, unknown>;
}

function authorizationFrom(entry: Record<string, unknown>): MerchantAuthorization | undefined {
  const token = fieldText(entry.app_auth_token);
  if (!token) return undefined;
  const out: MerchantAuthorization = { app_auth_token: token };
  const refresh = fieldText(entry.app_refresh_token);
  const expiresIn = optionalSeconds(entry.expires_in);
  const reExpiresIn = optionalSeconds(entry.re_expires_in);
  const userId = fieldText(entry.user_id);
  const openId = fieldText(entry.open_id);
  const appId = fieldText(entry.auth_app_id);
  if (refresh) out.app_refresh_token = refresh;
  if (expiresIn !== undefined) out.expires_in = expiresIn;
  if (reExpiresIn !== undefined) out.re_expires_in = reExpiresIn;
  if (userId) out.user_id = userId;
  if (openId) out.open_id = openId;
  if (appId) out.auth_app_id = appId;
  return out;
}

/**
 * The grant of a verified `alipay.open.auth.token.app` answer, flat or with the newer `tokens`
 * array: the first authorization is the grant's (accessToken = app_auth_token, refreshToken =
 * app_refresh_token), all of them are in `params.tokens`.
 */
export function merchantGrantFrom(payload: Record<string, unknown>): TokenGrant<AlipayMerchantTokenParams> {
  const listed = Array.isArray(payload.tokens) ? payload.tokens.filter(isRecord) : [];
  const entries = [payload, ...listed].map(authorizationFrom).filter((a): a is MerchantAuthorization => a !== undefined);
  // A flat answer that also lists its token in `tokens` names it twice.
  const tokens = entries.filter((a, i) => entries.findIndex((b) => b.app_auth_token === a.app_auth_token) === i);
  const [first] = tokens;
  if (!first) throw new AlipayTransportError('The verified app-authorization answer carries no app_auth_token.', 'ALIPAY_INVALID_RESPONSE');
  if (!first.user_id && !first.open_id) {
    throw new AlipayTransportError('The verified app-authorization answer names no merchant (neither user_id nor open_id).', 'ALIPAY_INVALID_RESPONSE');
  }
  const params: AlipayMerchantTokenParams = { ...payload, ...first, tokens };
  return { accessToken: first.app_auth_token, refreshToken: first.app_refresh_token, params };
}

export function buildMerchantProfile(grant: TokenGrant<AlipayMerchantTokenParams>): AlipayMerchantProfile {
  const { params } = grant;
  const profile: AlipayMerchantProfile = {
    provider: 'alipay',
    id: (params.user_id ?? params.open_id) as string,
    authAppIds: params.tokens.map((t) => t.auth_app_id).filter((id): id is string => id !== undefined),
    _json: withoutTokens({ ...params, tokens: params.tokens.map((t) => withoutTokens({ ...t })) }),
  };
  if (params.user_id) profile.userId = params.user_id;
  if (params.open_id) profile.openId = params.open_id;
  if (params.auth_app_id) profile.authAppId = params.auth_app_id;
  return profile;
}

/** The status of a verified `alipay.open.auth.token.app.query` answer. */
export function merchantTokenStatusFrom(payload: Record<string, unknown>): MerchantTokenStatus {
  const status = fieldText(payload.status);
  if (!status) throw new AlipayTransportError('The verified token-status answer carries no status.', 'ALIPAY_INVALID_RESPONSE');
  const methods = Array.isArray(payload.auth_methods) ? payload.auth_methods.filter((m): m is string => typeof m === 'string') : [];
  const out: MerchantTokenStatus = { status, valid: status === 'valid', authMethods: methods, _json: withoutTokens(payload) };
  const userId = fieldText(payload.user_id);
  const openId = fieldText(payload.open_id);
  const appId = fieldText(payload.auth_app_id);
  const expiresIn = optionalSeconds(payload.expires_in);
  const authStart = fieldText(payload.auth_start);
  const authEnd = fieldText(payload.auth_end);
  if (userId) out.userId = userId;
  if (openId) out.openId = openId;
  if (appId) out.authAppId = appId;
  if (expiresIn !== undefined) out.expiresIn = expiresIn;
  if (authStart) out.authStart = authStart;
  if (authEnd) {
    out.authEnd = authEnd;
    const end = parseShanghaiTimestamp(authEnd);
    if (end !== undefined) out.expiresAt = new Date(end);
  }
  return out;
}
