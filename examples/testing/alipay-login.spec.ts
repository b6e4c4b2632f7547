// A complete mocha + nock test of an app's "Sign in with Alipay": the app runs for real on
// 127.0.0.1, nock plays the Alipay gateway, and passport-alipay/testing signs nock's answer so
// that the strategy verifies it exactly as it verifies Alipay's. README.md shows this file.
import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import nock from 'nock';
import { Passport } from 'passport';
import { AlipayStrategy } from 'passport-alipay';
import { generateTestKeys, signedGatewayResponse } from 'passport-alipay/testing';

const keys = generateTestKeys(); // { appPrivateKey, appPublicKey, alipayPrivateKey, alipayPublicKey }

describe('Sign in with Alipay', () => {
  let server: Server;
  let base: string;

  before(async () => {
    const passport = new Passport();
    passport.use(new AlipayStrategy({
      appId: '2021000000000001',
      privateKey: keys.appPrivateKey,
      alipayPublicKey: keys.alipayPublicKey, // the key whose private half signs nock's answers
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
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1'); // the app itself (and the simulator, if a test uses it)
  });
  after(() => {
    server.close();
    nock.cleanAll();
  });

  /** Starts a login; returns the session cookie and the state the app put in the redirect. */
  async function startLogin() {
    const res = await fetch(`${base}/auth/alipay`, { redirect: 'manual' });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const state = new URL(res.headers.get('location')!).searchParams.get('state')!;
    return { cookie, state };
  }

  it('signs the user in with the user_id the gateway returns', async () => {
    const gateway = nock('https://openapi.alipay.com')
      .post('/gateway.do', (body) => body.grant_type === 'authorization_code' && body.code === 'test-auth-code')
      .query((q) => q.method === 'alipay.system.oauth.token' && q.app_id === '2021000000000001')
      .reply(200, signedGatewayResponse('alipay.system.oauth.token', {
        user_id: '2088102000000001',
        access_token: 'authusrB1', expires_in: 1296000,
        refresh_token: 'authusrB2', re_expires_in: 2592000,
        auth_start: '2026-01-01 12:00:00',
      }, keys.alipayPrivateKey), { 'content-type': 'text/html;charset=utf-8' });

    const { cookie, state } = await startLogin();
    const res = await fetch(`${base}/auth/alipay/callback?auth_code=test-auth-code&state=${state}`, { redirect: 'manual', headers: { cookie } });

    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/');
    expect(gateway.isDone()).to.equal(true);
  });

  it('refuses an answer that Alipay did not sign', async () => {
    nock('https://openapi.alipay.com')
      .post('/gateway.do').query(true)
      .reply(200, signedGatewayResponse('alipay.system.oauth.token', { user_id: '2088102000000666', access_token: 'x' }, generateTestKeys().alipayPrivateKey));

    const { cookie, state } = await startLogin();
    const res = await fetch(`${base}/auth/alipay/callback?auth_code=test-auth-code&state=${state}`, { redirect: 'manual', headers: { cookie } });

    expect(res.status).to.equal(500); // AlipaySignatureError reaches the app's error handler
    expect(await res.text()).to.equal('ALIPAY_SIGNATURE_INVALID');
  });
});
