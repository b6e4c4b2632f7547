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
  /** Host names (with port, if any) redirect_uri may point at. */
  redirectHosts: string[];
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

  constructor(readonly lifetimes: Lifetimes, private readonly now: () => number = Date.now) {}

  user(userId: string): SimulatedUser | undefined {
    return this.users.find((u) => u.userId === userId);
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

  /** Refresh tokens rotate: each is spent by its first use. */
  useRefreshToken(token: string, owner: string): { grant?: Token; reason?: 'invalid' | 'used' } {
    const found = this.refreshTokens.get(token);
    if (!found || found.owner !== owner || found.expiresAt < this.now()) return { reason: 'invalid' };
    if (found.used) return { reason: 'used' };
    found.used = true;
    return { grant: found };
  }
}
