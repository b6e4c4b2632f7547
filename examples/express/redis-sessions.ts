/**
 * Sessions in Redis that survive Redis outages. A node-redis client without an 'error' listener
 * kills the process when Redis goes away; with one but default settings, requests queue forever
 * while it is down. So: an 'error' listener (logged once per outage), no offline queue (commands
 * fail at once while disconnected), a bounded reconnect back-off, a ping that notices a dead socket,
 * and `disableClientInfo` plus a client `name` (node-redis 5 sometimes reported "ready" on a
 * socket to a dying server without them). The middleware answers 503 while the store is down.
 */
import type { NextFunction, Request, Response } from 'express';
import type session from 'express-session';

export interface RedisSessions {
  store: session.Store;
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
    store: new RedisStore({ client, prefix: 'passport-alipay-demo:' }),
    guard(_req, res, next) {
      if (client.isReady) return next();
      res.status(503).set('retry-after', '2').send(unavailablePage());
    },
    async close() {
      client.destroy();
    },
  };
}
