/**
 * The demo's configuration, from the environment. Without ALIPAY_* variables the demo runs against
 * the built-in simulator; with them it talks to real Alipay (or Alipay's sandbox).
 */
export interface MainlandConfig {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  /** Content-encryption key (AES) for phone numbers posted from the mini program. */
  aesKey?: string;
  sandbox?: boolean;
  authorizationURL?: string;
  gatewayURL?: string;
}

export interface MacaoConfig {
  clientId: string;
  authMerchantId: string;
  privateKey: string;
  alipayPublicKey: string;
  gatewayURL?: string;
}

export interface DemoConfig {
  port: number;
  /** Pins the embedded simulator's port (default: any free port). */
  simulatorPort?: number;
  /** The public base address of the demo, used for callback URLs (default http://localhost:PORT). */
  baseURL?: string;
  sessionSecret?: string;
  redisURL?: string;
  /** Which user id the simulated mainland app receives (user_id, open_id or both). */
  simulatorIdMode?: 'user_id' | 'open_id' | 'both';
  /** Mainland scope (default auth_user, so the profile page shows nickname and avatar). */
  scope?: string;
  mainland?: MainlandConfig;
  macao?: MacaoConfig;
  /** Run one side on real Alipay and the other on the simulator (refused unless set). */
  allowPartialSimulator?: boolean;
  /** Express's `trust proxy` setting (e.g. `loopback`, `1`, `10.0.0.1`): needed behind a TLS proxy. */
  trustProxy?: string;
  /** Login requests allowed per client IP per minute (default 60; 0 turns the limit off). */
  loginRateLimit?: number;
  /**
   * Milliseconds before an unanswered request gets 503 (default 8000: above the strategies' 5 s
   * gateway limit, so a slow Alipay answer is reported as such rather than cut short).
   */
  requestDeadlineMs?: number;
  /** Where failed logins and store outages are reported (default console). */
  log?: Pick<Console, 'warn' | 'info'>;
}

/** A yes/no variable: `1` or `true`. */
function isSet(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

function required(env: NodeJS.ProcessEnv, names: string[], what: string): void {
  const missing = names.filter((n) => !env[n]);
  if (missing.length) throw new Error(`${what} needs ${missing.join(', ')} (see examples/express/.env.example)`);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const config: DemoConfig = {
    port: Number(env.PORT ?? 3000),
    simulatorPort: env.SIMULATOR_PORT ? Number(env.SIMULATOR_PORT) : undefined,
    baseURL: env.BASE_URL,
    sessionSecret: env.SESSION_SECRET,
    redisURL: env.REDIS_URL,
    simulatorIdMode: (env.SIMULATOR_ID_MODE as DemoConfig['simulatorIdMode']) ?? 'user_id',
    scope: env.ALIPAY_SCOPE,
    allowPartialSimulator: isSet(env.ALLOW_PARTIAL_SIMULATOR),
    trustProxy: env.TRUST_PROXY,
    loginRateLimit: env.LOGIN_RATE_LIMIT !== undefined ? Number(env.LOGIN_RATE_LIMIT) : undefined,
  };
  if (env.ALIPAY_APP_ID) {
    required(env, ['ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'], 'Alipay (mainland)');
    config.mainland = {
      appId: env.ALIPAY_APP_ID,
      privateKey: env.ALIPAY_PRIVATE_KEY as string,
      alipayPublicKey: env.ALIPAY_PUBLIC_KEY as string,
      aesKey: env.ALIPAY_AES_KEY,
      sandbox: isSet(env.ALIPAY_SANDBOX),
      authorizationURL: env.ALIPAY_AUTHORIZATION_URL,
      gatewayURL: env.ALIPAY_GATEWAY_URL,
    };
  }
  if (env.ALIPAY_MACAO_CLIENT_ID) {
    required(env, ['ALIPAY_MACAO_MERCHANT_ID', 'ALIPAY_MACAO_PRIVATE_KEY', 'ALIPAY_MACAO_PUBLIC_KEY'], 'Alipay Macao');
    config.macao = {
      clientId: env.ALIPAY_MACAO_CLIENT_ID,
      authMerchantId: env.ALIPAY_MACAO_MERCHANT_ID as string,
      privateKey: env.ALIPAY_MACAO_PRIVATE_KEY as string,
      alipayPublicKey: env.ALIPAY_MACAO_PUBLIC_KEY as string,
      gatewayURL: env.ALIPAY_MACAO_GATEWAY_URL,
    };
  }
  return config;
}

/**
 * `trust proxy` as Express understands it: `true`/`false`, a hop count, or addresses and subnets
 * (`loopback`, `10.0.0.0/8`, comma-separated).
 */
export function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') {
    // `true` believes every X-Forwarded-For hop: any client then picks the address the rate limit
    // counts (and the protocol the cookies trust). Name the proxies instead.
    throw new Error(
      'TRUST_PROXY=true trusts every X-Forwarded-For hop, so any client could pick the address the login rate limit counts. ' +
        'Give the number of proxies in front of the demo (TRUST_PROXY=1) or their addresses (TRUST_PROXY=loopback, 10.0.0.0/8).',
    );
  }
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
