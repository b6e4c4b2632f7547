/**
 * Sessions in Redis that survive Redis outages. A node-redis client without an 'error' listener
 * kills the process when Redis goes away; with one but default settings, requests queue forever
 * while it is down. So: an 'error' listener (logged once per outage), no offline queue (commands
 * fail at once while disconnected), a bounded reconnect back-off, a ping that notices a dead socket,
 * and `disableClientInfo` plus a client `name` (node-redis 5 sometimes reported "ready" on a
 * socket to a dying server without them). The middleware answers 503 while the store is down.
 * A Redis that hangs (SIGSTOP, a full disk) keeps its connection "ready" and answers nothing: every
 * store call therefore has a time limit, and every store failure is a 503 (`status` on the error).
 */
import type { NextFunction, Request, Response } from 'express';
import type session from 'express-session';
import type { RedisClientType } from 'redis';
import { redisRevocations, type RevocationList } from './revocations';

/** Milliseconds a session read or write may take before the request gets 503. */
const STORE_TIMEOUT_MS = 1500;

/** A session-store failure: the request is answered 503 (the error handler reads `status`). */
class SessionStoreUnavailable extends Error {
  readonly status = 503;
}

type Callback = (err?: unknown, ...results: unknown[]) => void;

/**
 * The store with a time limit on each call: past `ms` the callback gets a SessionStoreUnavailable,
 * and a late answer is ignored. Any error the store reports becomes one too.
 */
function withTimeouts(store: session.Store, ms: number): session.Store {
  for (const method of ['get', 'set', 'destroy', 'touch'] as const) {
    const original = store[method]?.bind(store) as ((...args: unknown[]) => void) | undefined;
    if (!original) continue;
    (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as Callback) : undefined;
      let settled = false;
      const settle = (err?: unknown, ...results: unknown[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        callback?.(err ? new SessionStoreUnavailable(`Session store (Redis) failed: ${(err as Error).message ?? err}`) : undefined, ...results);
      };
      const timer = setTimeout(() => settle(new Error(`no answer within ${ms} ms`)), ms);
      original(...args, settle);
    };
  }
  return store;
}

export interface RedisSessions {
  store: session.Store;
  /** Revocations, beside the sessions, so that every server signs a revoked user out. */
  revocations: RevocationList;
  /** Answers 503 at once while Redis is unreachable, instead of letting the request hang. */
  guard(req: Request, res: Response, next: NextFunction): void;
  close(): Promise<void>;
}

export async function redisSessions(
  redisURL: string,
  log: Pick<Console, 'warn' | 'info'>,
  unavailablePage: () => string,
): Promise<RedisSessions> {
  const { createClient } = await import('redis');
  const { RedisStore } = await import('connect-redis');
  const client = createClient({
    url: redisURL,
    name: 'passport-alipay-demo',
    disableClientInfo: true,
    disableOfflineQueue: true,
    pingInterval: 1000,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.warn(`[sessions] Redis unavailable: ${err.message}; answering 503 until it is back`);
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('[sessions] Redis is back');
    down = false;
  });
  await client.connect();
  return {
    store: withTimeouts(new RedisStore({ client, prefix: 'passport-alipay-demo:' }), STORE_TIMEOUT_MS),
    revocations: redisRevocations(client as unknown as RedisClientType),
    guard(_req, res, next) {
      if (client.isReady) return next();
      res.status(503).set('retry-after', '2').send(unavailablePage());
    },
    async close() {
      client.destroy();
    },
  };
}
