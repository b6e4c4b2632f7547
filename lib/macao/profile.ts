/** The Macao profile and token params, built from verified applyToken and getUserInfo bodies. */
import { AlipayTransportError } from '../core/errors';
import { fieldText as text, mergeUserInfo, recordOrEmpty } from '../core/fields';
import type { TokenGrant } from '../core/passport-types';

/** The verified applyToken answer as token params: tokens, their expiry, the user's id. */
export interface AlipayMacaoTokenParams {
  /** The access token: keep it server-side, never in a session or a log. */
  access_token: string;
  /** The refresh token; keep the newest one each refresh returns. */
  refresh_token?: string;
  /** When the access token expires: the absolute datetime as Alipay Macao sent it (`expiresIn`). */
  expires_at?: string;
  /** When the refresh token expires, as sent (`reExpiresIn`). */
  refresh_expires_at?: string;
  /** Seconds until `expires_at`, computed when the token was received. */
  expires_in?: number;
  /** Seconds until `refresh_expires_at`. */
  refresh_expires_in?: number;
  /** `tokenStatus`, e.g. ACTIVE. */
  token_status?: string;
  /** The user's id on the auth site (always present for a login; a refresh answer may omit it). */
  auth_site_user_id?: string;
}

/** The user behind a Macao login: passport's profile shape, never a token. */
export interface AlipayMacaoProfile {
  /** Always `'alipay-macao'`. */
  provider: 'alipay-macao';
  /** `authSiteUserId`: the user's stable id on the auth site. */
  id: string;
  /** From getUserInfo, when skipUserProfile is false. */
  mobileNo?: string;
  /**
   * MobileNoInfo.verified as Alipay Macao sent it: `false` means the user never verified the number,
   * so it must not be treated as theirs. Absent when the answer did not say.
   */
  mobileNoVerified?: boolean;
  /** The mobile number, with `verified` when Alipay Macao said whether it is. */
  phoneNumbers?: {
    /** The mobile number. */
    value: string;
    /** Whether the user verified it, when Alipay Macao said. */
    verified?: boolean;
  }[];
  /** The verified response bodies the profile came from, without any token. */
  _json: Record<string, unknown>;
}

function secondsUntil(datetime: string | undefined, now: Date): number | undefined {
  if (datetime === undefined) return undefined;
  const at = Date.parse(datetime);
  return Number.isFinite(at) ? Math.round((at - now.getTime()) / 1000) : undefined;
}

export interface MacaoGrant extends TokenGrant<AlipayMacaoTokenParams> {
  /** The verified applyToken body without its tokens. */
  identity: Record<string, unknown>;
}

/**
 * Turns a verified applyToken body into a grant. A body without access token is malformed, and so
 * is a login's body without authSiteUserId; a refresh answer without it still yields its tokens.
 */
export function macaoGrantFrom(body: Record<string, unknown>, now: Date, requireUserId: boolean): MacaoGrant {
  const tokenInfo = recordOrEmpty(body.accessTokenInfo);
  const accessToken = text(tokenInfo.accessToken);
  const userId = text(body.authSiteUserId);
  if (!accessToken || (requireUserId && !userId)) {
    throw new AlipayTransportError(
      'The verified applyToken response lacks accessTokenInfo.accessToken or authSiteUserId.',
      'ALIPAY_INVALID_RESPONSE',
    );
  }
  const params: AlipayMacaoTokenParams = { access_token: accessToken };
  if (userId) params.auth_site_user_id = userId;
  const refreshToken = text(tokenInfo.refreshToken);
  const expiresAt = text(tokenInfo.expiresIn);
  const refreshExpiresAt = text(tokenInfo.reExpiresIn);
  const tokenStatus = text(tokenInfo.tokenStatus);
  if (refreshToken) params.refresh_token = refreshToken;
  if (expiresAt) params.expires_at = expiresAt;
  if (refreshExpiresAt) params.refresh_expires_at = refreshExpiresAt;
  const expiresIn = secondsUntil(expiresAt, now);
  const refreshExpiresIn = secondsUntil(refreshExpiresAt, now);
  if (expiresIn !== undefined) params.expires_in = expiresIn;
  if (refreshExpiresIn !== undefined) params.refresh_expires_in = refreshExpiresIn;
  if (tokenStatus) params.token_status = tokenStatus;
  const { accessTokenInfo: _tokens, ...identity } = body;
  return { accessToken, refreshToken, params, identity };
}

/** getUserInfo documents `mobileNo` as a MobileNoInfo object (`{ mobileNo, mobileId, verified }`); a plain string is accepted too. */
function mobileNumberOf(value: unknown): { number?: string; verified?: boolean } {
  const plain = text(value);
  if (plain) return { number: plain };
  const info = recordOrEmpty(value);
  const verified = info.verified === true || info.verified === 'true' ? true : info.verified === false || info.verified === 'false' ? false : undefined;
  return { number: text(info.mobileNo), verified };
}

export function userInfoProfile(body: Record<string, unknown>): Partial<AlipayMacaoProfile> {
  const { number, verified } = mobileNumberOf(body.mobileNo);
  const { resultInfo: _result, ...json } = body;
  if (!number) return { _json: json };
  const profile: Partial<AlipayMacaoProfile> = { mobileNo: number, phoneNumbers: [verified === undefined ? { value: number } : { value: number, verified }], _json: json };
  if (verified !== undefined) profile.mobileNoVerified = verified;
  return profile;
}

export function buildMacaoProfile(grant: MacaoGrant, userInfo: Partial<AlipayMacaoProfile> | undefined): AlipayMacaoProfile {
  const profile: AlipayMacaoProfile = { provider: 'alipay-macao', id: grant.params.auth_site_user_id as string, _json: { ...grant.identity } };
  return mergeUserInfo(profile, userInfo);
}
