// Fastify 5 with @fastify/passport 4 and @fastify/secure-session 8 (Fastify parses JSON bodies itself).
import Fastify from 'fastify';
import { Authenticator } from '@fastify/passport';
import secureSession from '@fastify/secure-session';
import { AlipayMacaoStrategy, AlipayStrategy } from 'passport-alipay';

const env = process.env as Record<string, string>;

const passport = new Authenticator();
passport.use(new AlipayStrategy({
  appId: env.ALIPAY_APP_ID,
  privateKey: env.ALIPAY_PRIVATE_KEY,
  alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
  callbackURL: '/auth/alipay/callback', // resolved with request.protocol and request.host (trustProxy decides)
}, (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id })));
passport.use(new AlipayMacaoStrategy({
  clientId: env.ALIPAY_MACAO_CLIENT_ID,
  authMerchantId: env.ALIPAY_MACAO_MERCHANT_ID,
  privateKey: env.ALIPAY_MACAO_PRIVATE_KEY,
  alipayPublicKey: env.ALIPAY_MACAO_PUBLIC_KEY,
}, (_accessToken, _refreshToken, profile, done) => done(null, { id: profile.id })));
passport.registerUserSerializer(async (user: { id: string }) => user.id);
passport.registerUserDeserializer(async (id: string) => ({ id }));

async function main(): Promise<void> {
  const app = Fastify();
  // SESSION_KEY: 32 random bytes as hex (openssl rand -hex 32).
  await app.register(secureSession, { key: Buffer.from(env.SESSION_KEY, 'hex'), cookie: { path: '/', httpOnly: true, sameSite: 'lax' } });
  await app.register(passport.initialize());
  await app.register(passport.secureSession());

  app.get('/auth/alipay', { preValidation: passport.authenticate('alipay') }, async () => {});
  app.get('/auth/alipay/callback', { preValidation: passport.authenticate('alipay', { successRedirect: '/', failureRedirect: '/?login=failed' }) }, async () => {});
  app.post('/auth/alipay-macao', { preValidation: passport.authenticate('alipay-macao', { successRedirect: '/' }) }, async () => {});
  app.get('/', async (request) => ({ user: request.user ?? null }));
  await app.listen({ port: Number(env.PORT ?? 3000) });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
