/** Koa 3 with koa-session, @koa/bodyparser, @koa/router and koa-passport. */
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import Koa from 'koa';
import session from 'koa-session';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { KoaPassport } from 'koa-passport';
import { ROUTES, strategies, type Credentials, type RunningApp, type SignedInUser } from './shared';

export async function startKoaApp(creds: Credentials, port: number): Promise<RunningApp> {
  const url = `http://127.0.0.1:${port}`;
  const passport = new KoaPassport();
  const s = strategies(creds, url);
  passport.use(s.alipay);
  passport.use(s.inApp);
  passport.use(s.macao);
  passport.serializeUser((user, done) => done(null, JSON.stringify(user)));
  passport.deserializeUser((json: string, done) => done(null, JSON.parse(json) as SignedInUser));

  const app = new Koa();
  app.keys = ['frameworks-test'];
  app.use(session({}, app));
  app.use(bodyParser());
  app.use(passport.initialize());
  app.use(passport.session());
  const router = new Router();
  router.get(ROUTES.login, passport.authenticate('alipay'));
  router.get(ROUTES.callback, passport.authenticate('alipay', { successRedirect: ROUTES.me }));
  router.post(ROUTES.inApp, passport.authenticate('alipay-in-app', { successRedirect: ROUTES.me }));
  router.post(ROUTES.macao, passport.authenticate('alipay-macao', { successRedirect: ROUTES.me }));
  router.get(ROUTES.me, (ctx) => {
    if (!ctx.isAuthenticated()) {
      ctx.status = 401;
      ctx.body = {};
      return;
    }
    ctx.body = ctx.state.user;
  });
  app.use(router.routes());
  const server: Server = await new Promise((resolve) => {
    const srv = app.listen(port, '127.0.0.1', () => resolve(srv));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
