// "Sign in with Alipay" on a website: Express 5, sessions, the Alipay redirect. Runs on http://localhost:3000.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { AlipayStrategy } from 'passport-alipay';

const env = process.env as Record<string, string>;

passport.use(new AlipayStrategy({
  appId: env.ALIPAY_APP_ID,
  privateKey: env.ALIPAY_PRIVATE_KEY,            // 应用私钥: PEM or bare base64
  alipayPublicKey: env.ALIPAY_PUBLIC_KEY,        // 支付宝公钥 (not your application's public key)
  callbackURL: '/auth/alipay/callback',          // on this host; register it as 授权回调地址
  scope: 'auth_user',                            // nickname and avatar too (default auth_base: the id only)
  authorizationURL: env.ALIPAY_AUTHORIZATION_URL, // unset: Alipay itself; the simulator sets both
  gatewayURL: env.ALIPAY_GATEWAY_URL,
}, (_accessToken, _refreshToken, profile, done) => {
  // Find or create your user by profile.id here. Keep no token in the session.
  done(null, { id: profile.id, name: profile.displayName });
}));
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

const app = express();
app.use(session({
  secret: env.SESSION_SECRET,
  resave: false,
  saveUninitialized: false,
  // 'auto': Secure only over https, so the cookie also works on http://localhost.
  // Behind a TLS-terminating proxy also set app.set('trust proxy', 1).
  cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto' },
}));
app.use(passport.session());

app.get('/', (req, res) => {
  res.json(req.user ? { user: req.user } : { signIn: '/auth/alipay' });
});
app.get('/auth/alipay', passport.authenticate('alipay'));
app.get('/auth/alipay/callback', passport.authenticate('alipay', { successRedirect: '/', failureRedirect: '/?login=failed' }));

const port = Number(env.PORT ?? 3000);
app.listen(port, () => console.log(`Listening on http://localhost:${port}`));
