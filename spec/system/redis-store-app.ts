/**
 * An Express app whose login state lives in a RedisStateStore: with `sessions`, users are kept in an
 * express-session; without, the callback answers a JSON token (the `session: false` setup of APIs).
 * Shared by the Redis system tests and the browser's login-CSRF tests.
 */
import express from 'express';
import session from 'express-session';
import type { Server } from 'http';
import passport from 'passport';
import { AlipayStrategy, RedisStateStore, type RedisStateClient } from 'passport-alipay';
import type { SimulatedAppCredentials } from 'passport-alipay/testing';
import { freePort } from '../../e2e/demo-server';

export interface RedisStoreApp {
  url: string;
  server: Server;
}

export async function startRedisStoreApp(credentials: SimulatedAppCredentials, client: RedisStateClient, sessions: boolean): Promise<RedisStoreApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pp = new passport.Passport();
  const store = new RedisStateStore({ client });
  pp.use(new AlipayStrategy({ ...credentials, callbackURL: `${url}/auth/alipay/callback`, store }, (_a, _r, p, done) => done(null, { id: p.id })));
  pp.serializeUser((user, done) => done(null, user));
  pp.deserializeUser((user: Express.User, done) => done(null, user));
  const app = express();
  if (sessions) {
    app.use(session({ secret: 'redis-store-app', resave: false, saveUninitialized: false }));
    app.use(pp.session());
  }
  app.get('/auth/alipay', pp.authenticate('alipay', { session: sessions }));
  app.get('/auth/alipay/callback', pp.authenticate('alipay', { session: sessions }), (req, res) =>
    res.json(sessions ? req.user : { token: `token-for-${(req.user as { id: string }).id}` }),
  );
  app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return { url, server };
}
