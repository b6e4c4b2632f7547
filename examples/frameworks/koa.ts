// Koa 3 with koa-passport 6, koa-session 7, @koa/bodyparser and @koa/router.
import Koa from 'koa';
import { createSession } from 'koa-session';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import passport from 'koa-passport';
import { AlipayMacaoStrategy, AlipayStrategy } from 'passport-alipay';

const env = process.env as Record<string, string>;

passport.use(new AlipayStrategy({
  appId: env.ALIPAY_APP_ID,
  privateKey: env.ALIPAY_PRIVATE_KEY,
  alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
  callbackURL: '/auth/alipay/callback', // resolved with ctx.protocol and ctx.host (X-Forwarded-* only with app.proxy)
}, (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id })));
passport.use(new AlipayMacaoStrategy({
  clientId: env.ALIPAY_MACAO_CLIENT_ID,
  authMerchantId: env.ALIPAY_MACAO_MERCHANT_ID,
  privateKey: env.ALIPAY_MACAO_PRIVATE_KEY,
  alipayPublicKey: env.ALIPAY_MACAO_PUBLIC_KEY,
}, (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id })));
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

const app = new Koa();
app.keys = [env.SESSION_SECRET];
app.use(createSession({ sameSite: 'lax' }, app));
app.use(bodyParser()); // ctx.request.body for the posted Macao code (JSON only)
app.use(passport.initialize());
app.use(passport.session());

const router = new Router();
router.get('/auth/alipay', passport.authenticate('alipay'));
router.get('/auth/alipay/callback', passport.authenticate('alipay', { successRedirect: '/', failureRedirect: '/?login=failed' }));
router.post('/auth/alipay-macao', passport.authenticate('alipay-macao', { successRedirect: '/' }));
router.get('/', (ctx) => {
  ctx.body = { user: ctx.state.user ?? null };
});
app.use(router.routes());
app.listen(Number(env.PORT ?? 3000));
