/**
 * RedisStateStore: OAuth `state` kept in Redis instead of the session, for apps on several servers
 * and apps without sessions (JWT APIs, mobile back ends). Each state is a random key with a TTL,
 * consumed atomically with GETDEL, so a callback passes the state check at most once anywhere,
 * however many copies of it arrive at however many servers. The state also carries application
 * state (`passport.authenticate('alipay', { state: { returnTo } })`) and is bound to the strategy
 * name, app and callback URL that issued it, and to the browser that started the login (through
 * its session, or a short-lived cookie when there is none: see browser-binding.ts). The Redis key
 * is derived from the state *and* that binding, so a callback opened in another browser finds
 * nothing and consumes nothing.
 *
 * Works with a node-redis v4/v5 client (`getDel`, `set(k, v, { PX })`) or an ioredis client
 * (`getdel`, `set(k, v, 'PX', ms)`); the package never requires either. Needs Redis ≥ 6.2.
 */
import { bindBrowser, presentedBinding } from './browser-binding';
import { AlipayError } from './errors';
import { afterPendingIO } from './http';
import { randomToken } from './random';
import type { RecordedLogin, StateMeta } from './state-store';

/** The client methods used, satisfied by node-redis v4/v5 and ioredis clients. */
export interface RedisStateClient {
  /** SET with an expiry (node-redis `{ PX }` or ioredis `'PX', ms`). */
  set(...args: any[]): Promise<unknown>;
  /** node-redis */
  getDel?(key: string): Promise<unknown>;
  /** ioredis */
  getdel?(key: string): Promise<unknown>;
}

/** RedisStateStore's options. */
export interface RedisStateStoreOptions {
  /** A connected node-redis v4/v5 client or an ioredis client (see the README's outage-proof settings). */
  client: RedisStateClient;
  /** Seconds a login may take from redirect to callback (default 600). */
  ttl?: number;
  /** Key prefix (default `passport-alipay:state:`). */
  prefix?: string;
  /** Milliseconds to wait for Redis before failing the request with 503 (default 2000). */
  timeout?: number;
}

/** Redis did not answer in time or refused: the login cannot be checked, so it fails (HTTP 503). */
export class AlipayStateStoreError extends AlipayError {
  /** Always 503: try again once Redis is back (with a new login). */
  readonly status = 503;

  constructor(message: string) {
    super(message, 'ALIPAY_STATE_STORE_UNAVAILABLE');
  }
}

interface StoredState {
  /** Strategy name, app id and callback URL that issued the state. */
  n?: string;
  i: string;
  c: string;
  /** Application state, when the login carried some. */
  a?: unknown;
  /** The scope the login asked for. */
  s?: string;
  /** The merchant app the login is for (service providers). */
  m?: string;
}

/** What this store issues: 24 base64url characters (144 random bits). */
const STATE = /^[A-Za-z0-9_-]{24}$/;
const UNVERIFIABLE = { message: 'Unable to verify authorization request state.' };
const INVALID = { message: 'Invalid authorization request state.' };

type Done<T extends unknown[]> = (err: Error | null, ...results: T) => void;

/**
 * OAuth `state` in Redis for several servers and apps without sessions: single-use across servers,
 * bound to the browser, the strategy, the app and the callback. Also a SingleUseStore (`claimOnce`).
 */
export class RedisStateStore {
  private declare readonly client: RedisStateClient;
  private readonly ttlMs: number;
  private readonly prefix: string;
  private readonly timeout: number;

  constructor(options: RedisStateStoreOptions) {
    const client = options?.client;
    if (!client || typeof client.set !== 'function' || (typeof client.getDel !== 'function' && typeof client.getdel !== 'function')) {
      throw new AlipayError(
        'RedisStateStore needs { client }: a connected node-redis v4/v5 client (createClient) or an ioredis client.',
        'ALIPAY_CONFIG_INVALID',
      );
    }
    const ttl = options.ttl ?? 600;
    const timeout = options.timeout ?? 2000;
    if (!(ttl > 0) || !(timeout > 0)) {
      throw new AlipayError('RedisStateStore ttl (seconds) and timeout (milliseconds) must be positive numbers.', 'ALIPAY_CONFIG_INVALID');
    }
    // Not enumerable: the client's options may carry the Redis password, and stores end up in logs.
    Object.defineProperty(this, 'client', { value: client, enumerable: false });
    this.ttlMs = Math.round(ttl * 1000);
    this.prefix = options.prefix ?? 'passport-alipay:state:';
    this.timeout = timeout;
  }

  /** @internal passport-oauth2's `store(req, state, meta, callback)`: `state` is the application state. */
  store(req: object, appState: unknown, meta: StateMeta, callback: Done<[string?]>): void {
    let binding: string;
    try {
      binding = bindBrowser(req, meta.callbackURL, this.ttlMs / 1000);
    } catch (err) {
      return callback(err as Error);
    }
    const state = randomToken();
    const value: StoredState = { n: meta.strategyName, i: meta.clientID, c: meta.callbackURL };
    if (appState !== undefined) value.a = appState;
    if (meta.scope) value.s = meta.scope;
    if (meta.merchantAppId) value.m = meta.merchantAppId;
    const key = this.key(state, binding);
    const json = JSON.stringify(value);
    const write = this.client.getDel ? this.client.set(key, json, { PX: this.ttlMs }) : this.client.set(key, json, 'PX', this.ttlMs);
    this.settle(write, () => callback(null, state), callback);
  }

  /** @internal passport-oauth2's `verify(req, providedState, meta, callback)`; consumes the state. */
  verify(req: object, providedState: unknown, meta: StateMeta, callback: Done<[(boolean | unknown)?, unknown?, RecordedLogin?]>): void {
    // A state this store cannot have issued, or a browser that started no login, is refused without a round trip.
    if (typeof providedState !== 'string' || !STATE.test(providedState)) return callback(null, false, UNVERIFIABLE);
    const binding = presentedBinding(req);
    if (binding === undefined) return callback(null, false, UNVERIFIABLE);
    const key = this.key(providedState, binding);
    const read = this.client.getDel ? this.client.getDel(key) : (this.client.getdel as (k: string) => Promise<unknown>)(key);
    this.settle(read, (raw) => {
      if (typeof raw !== 'string') return callback(null, false, UNVERIFIABLE);
      let stored: StoredState;
      try {
        stored = JSON.parse(raw) as StoredState;
      } catch {
        return callback(null, false, INVALID);
      }
      if (stored.n !== meta.strategyName || stored.i !== meta.clientID || stored.c !== meta.callbackURL) {
        return callback(null, false, INVALID);
      }
      const recorded: RecordedLogin = { scope: stored.s };
      if (stored.m) recorded.merchantAppId = stored.m;
      callback(null, true, stored.a, recorded);
    }, callback);
  }

  /**
   * Claims `key` for `ttlSeconds` (SET NX PX): true the first time, false while it is claimed.
   * Makes the store a SingleUseStore (e.g. AlipayInAppStrategy's `phoneNumberOnce`).
   */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const redisKey = `${this.prefix}once:${key}`;
    const ms = Math.round(ttlSeconds * 1000);
    const write = this.client.getDel ? this.client.set(redisKey, '1', { NX: true, PX: ms }) : this.client.set(redisKey, '1', 'PX', ms, 'NX');
    return new Promise((resolve, reject) => this.settle(write, (reply) => resolve(reply === 'OK'), reject));
  }

  /** Gives a key claimed with `claimOnce` back (GETDEL), so the next claim succeeds. */
  release(key: string): Promise<void> {
    const redisKey = `${this.prefix}once:${key}`;
    const read = this.client.getDel ? this.client.getDel(redisKey) : (this.client.getdel as (k: string) => Promise<unknown>)(redisKey);
    return new Promise((resolve, reject) => this.settle(read, () => resolve(), reject));
  }

  /** The Redis key of a state issued to the browser whose binding hash is `binding`. */
  private key(state: string, binding: string): string {
    return `${this.prefix}${state}:${binding}`;
  }

  /** Runs `onValue` or `onError` once, on the next tick, with a time limit on Redis. */
  private settle<T>(operation: Promise<T>, onValue: (value: T) => void, onError: (err: Error) => void): void {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      process.nextTick(fn);
    };
    const timer = setTimeout(
      () => afterPendingIO(() => finish(() => onError(new AlipayStateStoreError(`The state store (Redis) did not answer within ${this.timeout} ms.`)))),
      this.timeout,
    );
    operation.then(
      (value) => finish(() => onValue(value)),
      (err: unknown) =>
        finish(() => onError(new AlipayStateStoreError(`The state store (Redis) failed: ${(err as Error)?.message ?? 'unknown error'}.`))),
    );
  }
}
