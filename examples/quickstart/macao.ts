// Alipay Macao: the page inside the Alipay MO app gets an authCode from AlipayJSBridge and posts it
// as JSON; the server exchanges it and keeps the user in a session. Runs on http://localhost:3000.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { AlipayMacaoStrategy } from 'passport-alipay';
import { jsonLogin } from './json-login';

const env = process.env as Record<string, string>;

passport.use(new AlipayMacaoStrategy({
  clientId: env.ALIPAY_MACAO_CLIENT_ID,
  authMerchantId: env.ALIPAY_MACAO_MERCHANT_ID,
  privateKey: env.ALIPAY_MACAO_PRIVATE_KEY,
  alipayPublicKey: env.ALIPAY_MACAO_PUBLIC_KEY,
  gatewayURL: env.ALIPAY_MACAO_GATEWAY_URL,      // unset: open.alipaymo.com
}, (_accessToken, _refreshToken, profile, done) => {
  done(null, { id: profile.id });                // profile.id is authSiteUserId
}));
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

const app = express();
app.use(session({
  secret: env.SESSION_SECRET,
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
}));
app.use(passport.session());

// POST { "authCode": "…" } as JSON: a code from a form or a link is refused (login CSRF).
app.post('/auth/alipay-macao', express.json({ limit: '8kb' }), jsonLogin('alipay-macao', { session: true }));
app.get('/me', (req, res) => res.json({ user: req.user ?? null }));

const port = Number(env.PORT ?? 3000);
app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
