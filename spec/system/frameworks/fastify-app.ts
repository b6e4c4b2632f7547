/** Fastify 5 with @fastify/secure-session and @fastify/passport. */
import Fastify from 'fastify';
import secureSession from '@fastify/secure-session';
import { Authenticator } from '@fastify/passport';
import { ROUTES, useStrategies, type Credentials, type RunningApp, type SignedInUser } from './shared';

export async function startFastifyApp(creds: Credentials, port: number): Promise<RunningApp> {
  const url = `http://127.0.0.1:${port}`;
  const passport = new Authenticator();
  useStrategies(passport, creds, url);
  passport.registerUserSerializer(async (user: SignedInUser) => JSON.stringify(user));
  passport.registerUserDeserializer(async (json: string) => JSON.parse(json) as SignedInUser);

  const app = Fastify();
  await app.register(secureSession, { key: Buffer.alloc(32, 7), cookie: { path: '/', httpOnly: true } });
  await app.register(passport.initialize());
  await app.register(passport.secureSession());
  app.get(ROUTES.login, { preValidation: passport.authenticate('alipay') }, async () => undefined);
  app.get(ROUTES.callback, { preValidation: passport.authenticate('alipay', { successRedirect: ROUTES.me }) }, async () => undefined);
  app.post(ROUTES.inApp, { preValidation: passport.authenticate('alipay-in-app', { successRedirect: ROUTES.me }) }, async () => undefined);
  app.post(ROUTES.macao, { preValidation: passport.authenticate('alipay-macao', { successRedirect: ROUTES.me }) }, async () => undefined);
  app.get(ROUTES.me, async (request, reply) => {
    if (!request.user) return reply.code(401).send({});
    return request.user;
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
