/** Koa 3 with koa-session, @koa/bodyparser, @koa/router and koa-passport. */
import Koa from 'koa';
import session from 'koa-session';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { KoaPassport } from 'koa-passport';
import { deserializeUser, listenOnLoopback, ROUTES, serializeUser, useStrategies, type Credentials, type RunningApp } from './shared';

export async function startKoaApp(creds: Credentials, port: number): Promise<RunningApp> {
  const url = `http://127.0.0.1:${port}`;
  const passport = new KoaPassport();
  useStrategies(passport, creds, url);
  passport.serializeUser(serializeUser);
  passport.deserializeUser(deserializeUser);

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
  return listenOnLoopback(app, port);
}
