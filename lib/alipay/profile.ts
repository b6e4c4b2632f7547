/** The mainland profile and token params, built from verified gateway payloads. */
import { AlipayTransportError } from '../core/errors';
import { fieldText as optionalString, mergeUserInfo } from '../core/fields';
import type { TokenGrant } from '../core/passport-types';

/** The `alipay.system.oauth.token` payload, with the durations as numbers. */
export interface AlipayTokenParams {
  /** The access token (`authusrB…`): keep it server-side, never in a session or a log. */
  access_token: string;
  /** Single use: each refresh returns a new one, which replaces it. */
  refresh_token?: string;
  /** Seconds the access token lives. */
  expires_in?: number;
  /** Seconds the refresh token lives. */
  re_expires_in?: number;
  /** `yyyy-MM-dd HH:mm:ss`, Shanghai time. */
  auth_start?: string;
  /** Legacy 16-digit id starting 2088; absent for apps created since 2023. */
  user_id?: string;
  /** Per-application user id. */
  open_id?: string;
  /** Present when the app belongs to a group of apps. */
  union_id?: string;
  /** `permanent` for tokens that never expire. */
  auth_token_type?: string;
  /** Service providers: the merchant app the user signed into (from the `merchant` option, not from Alipay). */
  merchantAppId?: string;
  /** Whatever else the verified answer carried. */
  [field: string]: unknown;
}

/** The user behind a mainland login: passport's profile shape, never a token. */
export interface AlipayProfile {
  /** Always `'alipay'`. */
  provider: 'alipay';
  /** `user_id` when Alipay sends one, else `open_id`. */
  id: string;
  /** The legacy 2088… user id, when the app still receives it (console openid配置管理). */
  userId?: string;
  /** The per-app user id, when the app receives it. */
  openId?: string;
  /** The id shared by the apps of one application group, when the app is in one. */
  unionId?: string;
  /** Service providers: the merchant app the user signed into (the `merchant` option's appId). */
  merchantAppId?: string;
  /** From alipay.user.info.share (scope auth_user). Empty fields are left out: since 2022 Alipay
   *  often sends gender, province and city as empty strings. */
  displayName?: string;
  /** The avatar URL, as `[{ value }]`. */
  photos?: {
    /** The avatar URL. */
    value: string;
  }[];
  /** From `gender` (`M`/`F`, or `m`/`f` in the sandbox). */
  gender?: 'male' | 'female';
  /** From alipay.user.info.share, when not empty. */
  province?: string;
  /** From alipay.user.info.share, when not empty. */
  city?: string;
  /** The verified payloads the profile came from, without any token. */
  _json: Record<string, unknown>;
}

const TOKEN_FIELDS = new Set(['access_token', 'refresh_token', 'auth_token', 'app_auth_token', 'app_refresh_token', 'accessToken', 'refreshToken']);

/** A copy of a payload without its token fields, safe to keep in a session or a log. */
export function withoutTokens(payload: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(payload)) if (!TOKEN_FIELDS.has(key)) copy[key] = payload[key];
  return copy;
}

/** A duration field as a number of seconds; missing, empty or non-numeric is undefined. */
export function optionalSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Turns a verified token payload into a grant; a payload without an access token is malformed, and
 * so is a login's payload without user id. A refresh answer need not name the user (PROTOCOL A7):
 * its new tokens are returned all the same, since the old refresh token is already spent.
 */
export function tokenGrantFrom(payload: Record<string, unknown>, requireUserId: boolean): TokenGrant<AlipayTokenParams> {
  const accessToken = optionalString(payload.access_token);
  if (!accessToken) {
    throw new AlipayTransportError('The verified token response carries no access_token.', 'ALIPAY_INVALID_RESPONSE');
  }
  if (requireUserId && !optionalString(payload.user_id) && !optionalString(payload.open_id)) {
    throw new AlipayTransportError('The verified token response carries neither user_id nor open_id.', 'ALIPAY_INVALID_RESPONSE');
  }
  const params: AlipayTokenParams = { ...payload, access_token: accessToken };
  const expiresIn = optionalSeconds(payload.expires_in);
  const reExpiresIn = optionalSeconds(payload.re_expires_in);
  if (expiresIn !== undefined) params.expires_in = expiresIn;
  if (reExpiresIn !== undefined) params.re_expires_in = reExpiresIn;
  return { accessToken, refreshToken: optionalString(payload.refresh_token), params };
}

/** `M`/`F` in production, `m`/`f` in the sandbox. */
const GENDERS: Record<string, 'male' | 'female'> = { M: 'male', F: 'female' };

/** The parts of a profile `alipay.user.info.share` provides. */
export function userInfoProfile(payload: Record<string, unknown>): Partial<AlipayProfile> {
  const info: Partial<AlipayProfile> = { _json: withoutTokens(payload) };
  const nickName = optionalString(payload.nick_name);
  const avatar = optionalString(payload.avatar);
  const gender = GENDERS[String(payload.gender).toUpperCase()];
  const province = optionalString(payload.province);
  const city = optionalString(payload.city);
  if (nickName) info.displayName = nickName;
  if (avatar) info.photos = [{ value: avatar }];
  if (gender) info.gender = gender;
  if (province) info.province = province;
  if (city) info.city = city;
  return info;
}

export function buildAlipayProfile(
  grant: TokenGrant<AlipayTokenParams>,
  userInfo: Partial<AlipayProfile> | undefined,
): AlipayProfile {
  const { merchantAppId, ...params } = grant.params;
  const userId = optionalString(params.user_id);
  const openId = optionalString(params.open_id);
  const unionId = optionalString(params.union_id);
  const profile: AlipayProfile = {
    provider: 'alipay',
    id: (userId ?? openId) as string,
    _json: withoutTokens(params),
  };
  if (userId) profile.userId = userId;
  if (openId) profile.openId = openId;
  if (unionId) profile.unionId = unionId;
  if (merchantAppId) profile.merchantAppId = merchantAppId;
  return mergeUserInfo(profile, userInfo);
}
