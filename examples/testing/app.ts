// The app under test in the nock recipes: your own app module, built with the keys a test gives it.
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { AlipayStrategy } from 'passport-alipay';

export function createApp(keys: { privateKey: string; alipayPublicKey: string }): express.Express {
  const passport = new Passport();
  passport.use(new AlipayStrategy({
    appId: '2021000000000001',
    privateKey: keys.privateKey,
    alipayPublicKey: keys.alipayPublicKey,
    callbackURL: '/auth/alipay/callback',
  }, (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id })));
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  app.use(session({ secret: 'test', resave: false, saveUninitialized: false }));
  app.use(passport.session());
  app.get('/auth/alipay', passport.authenticate('alipay'));
  app.get('/auth/alipay/callback', passport.authenticate('alipay', { successRedirect: '/', failureRedirect: '/login' }));
  app.use((err: Error & { code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).send(err.code); // AlipayError codes carry no secret
  });
  return app;
}
