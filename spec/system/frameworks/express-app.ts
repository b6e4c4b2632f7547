/** Express 4 or 5 with express-session and passport: the setup the README's Express section shows. */
import session from 'express-session';
import { Passport } from 'passport';
import { deserializeUser, listenOnLoopback, ROUTES, serializeUser, useStrategies, type Credentials, type RunningApp } from './shared';

type ExpressModule = typeof import('express');

export async function startExpressApp(express: ExpressModule, creds: Credentials, port: number): Promise<RunningApp> {
  const url = `http://127.0.0.1:${port}`;
  const passport = new Passport();
  useStrategies(passport, creds, url);
  passport.serializeUser(serializeUser);
  passport.deserializeUser(deserializeUser);

  const app = express();
  app.use(session({ secret: 'frameworks-test', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  app.get(ROUTES.login, passport.authenticate('alipay'));
  app.get(ROUTES.callback, passport.authenticate('alipay', { successRedirect: ROUTES.me, failWithError: true }));
  app.post(ROUTES.inApp, express.json(), passport.authenticate('alipay-in-app', { successRedirect: ROUTES.me, failWithError: true }));
  app.post(ROUTES.macao, express.json(), passport.authenticate('alipay-macao', { successRedirect: ROUTES.me, failWithError: true }));
  app.get(ROUTES.me, (req, res) => {
    if (!req.user) return void res.status(401).json({});
    res.json(req.user);
  });
  // failWithError: refusals reach here as errors carrying their HTTP status.
  app.use((err: { status?: number; message?: string }, _req: import('express').Request, res: import('express').Response, _next: import('express').NextFunction) => {
    res.status(err.status ?? 500).json({ error: err.message });
  });
  return listenOnLoopback(app, port);
}
