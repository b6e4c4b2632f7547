/** The simulator's in-memory world: apps, Macao clients, users, codes and tokens. */
import { createHash, randomBytes, type KeyObject } from 'crypto';

/** Which user identifier a simulated app's tokens carry (the console's openid配置管理). */
export type IdMode = 'user_id' | 'open_id' | 'both';

/** A test user of the simulator. */
export interface SimulatedUser {
  /** Alipay's legacy id, 16 digits starting with 2088. */
  userId: string;
  /** The nickname alipay.user.info.share returns. */
  nickName: string;
  /** The avatar URL. */
  avatar?: string;
  /** `M` or `F`, as Alipay sends it. */
  gender?: 'M' | 'F';
  /** The province alipay.user.info.share returns. */
  province?: string;
  /** The city alipay.user.info.share returns. */
  city?: string;
  /** The user's id on the Macao auth site (authSiteUserId). */
  macaoUserId: string;
  /** Macao mobile number (getUserInfo's mobileNo). */
  mobileNo?: string;
  /** Mainland mobile number (what my.getPhoneNumber decrypts to). */
  mobile?: string;
}

export interface SimulatedApp {
  appId: string;
  name: string;
  publicKey: KeyObject;
  /** The content-encryption key (AES) phone numbers are encrypted with. */
  aesKey: Buffer;
  idMode: IdMode;
  /** During a gray release: the users `idMode` applies to; everyone else still gets user_id only. */
  grayUsers?: Set<string>;
  /** The application group (应用分组): apps in one group share each user's union_id. */
  unionGroup?: string;
  /** The application gateway (应用网关) messages are delivered to. */
  notifyURL?: string;
  /** Approved open_id work orders: order id → the user ids it covers. */
  workOrders: Map<string, Set<string>>;
  /** Host names (with port, if any) redirect_uri may point at. */
  redirectHosts: string[];
  /** A service provider's app (第三方应用): merchants may authorize it through appToAppAuth.htm. */
  serviceProvider: boolean;
  /** The Alipay account (2088…) of the merchant who owns the app. */
  ownerUserId: string;
}

/** A merchant app's authorization of a service provider's app (an app_auth_token). */
export interface AppAuthorization {
  providerAppId: string;
  merchantAppId: string;
  merchantUserId: string;
  /** The gateway methods the provider may call for the merchant's app. */
  authMethods: string[];
  authStart: number;
  expiresAt: number;
  /** False once the merchant revoked it. */
  valid: boolean;
}

export interface SimulatedMacaoClient {
  clientId: string;
  name: string;
  authMerchantId: string;
  publicKey: KeyObject;
  /** Host names (with port, if any) the grant page may send the authCode back to. */
  returnHosts: string[];
}

interface Code {
  owner: string;
  userId: string;
  scope: string;
  expiresAt: number;
}

interface Token {
  owner: string;
  userId: string;
  scope: string;
  expiresAt: number;
}

export interface Lifetimes {
  authCodeMs: number;
  accessTokenSec: number;
  refreshTokenSec: number;
  appAuthTokenSec: number;
}

function secret(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

export class Registry {
  readonly apps = new Map<string, SimulatedApp>();
  readonly macaoClients = new Map<string, SimulatedMacaoClient>();
  readonly users: SimulatedUser[] = [];
  private readonly codes = new Map<string, Code>();
  private readonly accessTokens = new Map<string, Token>();
  private readonly refreshTokens = new Map<string, Token & { used: boolean }>();
  /** app_auth_token → the authorization it stands for. */
  readonly appAuthTokens = new Map<string, AppAuthorization>();
  private readonly appAuthCodes = new Map<string, { appAuthToken: string; appRefreshToken: string; expiresAt: number }>();
  private readonly appRefreshTokens = new Map<string, { token: string; used: boolean }>();

  constructor(readonly lifetimes: Lifetimes, private readonly now: () => number = Date.now) {}

  user(userId: string): SimulatedUser | undefined {
    return this.users.find((u) => u.userId === userId);
  }

  /** Users who revoked an app's authorization, in order (alipay.user.deloauth.detail.query). */
  readonly revocations: { appId: string; userId: string; at: number; scope: string }[] = [];

  /** The id mode an app answers a user with (a gray release covers some users only). */
  idModeFor(app: SimulatedApp, userId: string): IdMode {
    return app.grayUsers && !app.grayUsers.has(userId) ? 'user_id' : app.idMode;
  }

  /** A user's union_id across the apps of one group. */
  unionIdOf(group: string, userId: string): string {
    return createHash('sha256').update(`union:${group}:${userId}`).digest('base64url').slice(0, 43);
  }

  /** A user revokes an app's authorization: its tokens stop working. */
  revoke(appId: string, userId: string): void {
    for (const [token, t] of this.accessTokens) if (t.owner === appId && t.userId === userId) this.accessTokens.delete(token);
    for (const [token, t] of this.refreshTokens) if (t.owner === appId && t.userId === userId) this.refreshTokens.delete(token);
    this.revocations.push({ appId, userId, at: this.now(), scope: 'auth_base' });
  }

  /** The per-application open_id a user has in an app (stable, like Alipay's). */
  openIdOf(appId: string, userId: string): string {
    return createHash('sha256').update(`${appId}:${userId}`).digest('base64url').slice(0, 43);
  }

  mintCode(owner: string, userId: string, scope: string): string {
    const code = secret('code');
    this.codes.set(code, { owner, userId, scope, expiresAt: this.now() + this.lifetimes.authCodeMs });
    return code;
  }

  /** Codes are single-use: consumed by the first attempt, even one that then fails. */
  consumeCode(code: string, owner: string): Code | undefined {
    const found = this.codes.get(code);
    this.codes.delete(code);
    if (!found || found.owner !== owner || found.expiresAt < this.now()) return undefined;
    return found;
  }

  issueTokens(owner: string, userId: string, scope: string) {
    const now = this.now();
    const accessToken = secret('at');
    const refreshToken = secret('rt');
    this.accessTokens.set(accessToken, { owner, userId, scope, expiresAt: now + this.lifetimes.accessTokenSec * 1000 });
    this.refreshTokens.set(refreshToken, {
      owner,
      userId,
      scope,
      expiresAt: now + this.lifetimes.refreshTokenSec * 1000,
      used: false,
    });
    return { accessToken, refreshToken, issuedAt: now };
  }

  accessToken(token: string, owner: string): Token | undefined {
    const found = this.accessTokens.get(token);
    return found && found.owner === owner && found.expiresAt >= this.now() ? found : undefined;
  }

  /**
   * A merchant authorizes a provider's app for one of its apps: a new app_auth_token (with its
   * refresh token), and an app_auth_code (single use, 24 h) that exchanges for them.
   */
  authorizeProvider(providerAppId: string, merchantAppId: string, authMethods: string[]) {
    const merchant = this.apps.get(merchantAppId);
    if (!merchant) throw new Error(`unknown merchant app ${merchantAppId}`);
    const now = this.now();
    const appAuthToken = secret('apt');
    const appRefreshToken = secret('aprt');
    this.appAuthTokens.set(appAuthToken, {
      providerAppId,
      merchantAppId,
      merchantUserId: merchant.ownerUserId,
      authMethods,
      authStart: now,
      expiresAt: now + this.lifetimes.appAuthTokenSec * 1000,
      valid: true,
    });
    this.appRefreshTokens.set(appRefreshToken, { token: appAuthToken, used: false });
    const appAuthCode = secret('aac');
    this.appAuthCodes.set(appAuthCode, { appAuthToken, appRefreshToken, expiresAt: now + 24 * 3600 * 1000 });
    return { appAuthToken, appRefreshToken, appAuthCode };
  }

  /** The tokens an app_auth_code stands for, when it is the provider's, fresh and unused (it is spent either way). */
  consumeAppAuthCode(code: string, providerAppId: string): { appAuthToken: string; appRefreshToken: string } | undefined {
    const found = this.appAuthCodes.get(code);
    this.appAuthCodes.delete(code);
    if (!found || found.expiresAt < this.now()) return undefined;
    if (this.appAuthTokens.get(found.appAuthToken)?.providerAppId !== providerAppId) return undefined;
    return { appAuthToken: found.appAuthToken, appRefreshToken: found.appRefreshToken };
  }

  /**
   * Refreshes an authorization: a new app_auth_token and refresh token; the old token keeps working
   * for 10 minutes, as Alipay's does, and the old refresh token is spent.
   */
  refreshAppAuthToken(refreshToken: string, providerAppId: string): { appAuthToken: string; appRefreshToken: string } | 'invalid' | 'used' {
    const found = this.appRefreshTokens.get(refreshToken);
    const old = found && this.appAuthTokens.get(found.token);
    if (!found || !old || old.providerAppId !== providerAppId || !old.valid) return 'invalid';
    if (found.used) return 'used';
    found.used = true;
    const now = this.now();
    old.expiresAt = Math.min(old.expiresAt, now + 10 * 60 * 1000);
    const appAuthToken = secret('apt');
    const appRefreshToken = secret('aprt');
    this.appAuthTokens.set(appAuthToken, { ...old, authStart: now, expiresAt: now + this.lifetimes.appAuthTokenSec * 1000 });
    this.appRefreshTokens.set(appRefreshToken, { token: appAuthToken, used: false });
    return { appAuthToken, appRefreshToken };
  }

  /** Refresh tokens rotate: each is spent by its first use. */
  useRefreshToken(token: string, owner: string): { grant?: Token; reason?: 'invalid' | 'used' } {
    const found = this.refreshTokens.get(token);
    if (!found || found.owner !== owner || found.expiresAt < this.now()) return { reason: 'invalid' };
    if (found.used) return { reason: 'used' };
    found.used = true;
    return { grant: found };
  }
}
