// mocha: the simulator as a local Alipay for an app's tests: a browser-less login through the
// consent page, an in-app code with a phone number, a Macao code, and an injected fault.
import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { Passport } from 'passport';
import { AlipayInAppStrategy, AlipayMacaoStrategy, AlipayStrategy } from 'passport-alipay';
import { createAlipaySimulator, type AlipaySimulator, type SimulatedAppCredentials, type SimulatedMacaoCredentials } from 'passport-alipay/testing';

describe('Sign in against the Alipay simulator', () => {
  let sim: AlipaySimulator;
  let alipayApp: SimulatedAppCredentials;
  let macaoClient: SimulatedMacaoCredentials;
  let server: Server;
  let base: string;

  before(async () => {
    sim = await createAlipaySimulator();                          // port 0: any free port
    alipayApp = sim.createApp({ idMode: 'open_id' });               // { appId, privateKey, alipayPublicKey, authorizationURL, gatewayURL, aesKey }
    macaoClient = sim.createMacaoClient();                          // { clientId, authMerchantId, privateKey, alipayPublicKey, gatewayURL }

    const passport = new Passport();
    const { authorizationURL: _redirectOnly, ...inAppCredentials } = alipayApp;
    passport.use(new AlipayStrategy({ ...alipayApp, callbackURL: '/auth/alipay/callback' }, (_a, _r, profile, done) => done(null, { id: profile.id })));
    passport.use(new AlipayInAppStrategy(inAppCredentials, (_a, _r, profile, done) => done(null, { id: profile.id, phone: profile.phoneNumber })));
    passport.use(new AlipayMacaoStrategy(macaoClient, (_a, _r, profile, done) => done(null, { id: profile.id })));
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));

    const app = express();
    app.use(session({ secret: 'test', resave: false, saveUninitialized: false }));
    app.use(passport.session());
    app.get('/auth/alipay', passport.authenticate('alipay'));
    app.get('/auth/alipay/callback', passport.authenticate('alipay', { successRedirect: '/me', failureRedirect: '/login' }));
    app.post('/auth/alipay/in-app', express.json(), passport.authenticate('alipay-in-app', { session: false }), (req, res) => res.json(req.user));
    app.post('/auth/alipay-macao', express.json(), passport.authenticate('alipay-macao', { session: false }), (req, res) => res.json(req.user));
    app.get('/me', (req, res) => res.json(req.user ?? null));
    app.use((err: Error & { code?: string; status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).json({ error: err.code }); // AlipayError codes carry no secret
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await sim.close();
  });

  const postJson = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('signs in through the consent page, without a browser', async () => {
    // Start the login, answer the consent page with sim.approve(), follow the callback with the cookie.
    const start = await fetch(`${base}/auth/alipay`, { redirect: 'manual' });
    const cookie = start.headers.get('set-cookie')!.split(';')[0];
    const callback = sim.approve(start.headers.get('location')!, '2088102000000001');
    const done = await fetch(callback, { redirect: 'manual', headers: { cookie } });
    expect(done.headers.get('location')).to.equal('/me');
    const signedIn = done.headers.get('set-cookie')!.split(';')[0]; // passport renews the session at login
    const me = (await (await fetch(`${base}/me`, { headers: { cookie: signedIn } })).json()) as { id: string };
    expect(me.id).to.have.length(43); // an open_id app
  });

  it('signs in from a mini program with the phone number my.getPhoneNumber gives', async () => {
    const res = await postJson('/auth/alipay/in-app', {
      authCode: sim.mintAuthCode(alipayApp.appId, '2088102000000002'),
      phoneNumber: sim.phoneNumberPayload(alipayApp.appId, '2088102000000002'),
    });
    expect(((await res.json()) as { phone: string }).phone).to.equal('13800000002');
  });

  it('signs in with an Alipay Macao authCode', async () => {
    const res = await postJson('/auth/alipay-macao', { authCode: sim.mintMacaoAuthCode(macaoClient.clientId, '2088102000000001') });
    expect(((await res.json()) as { id: string }).id).to.match(/^218/);
  });

  it('reports an injected gateway fault', async () => {
    sim.injectFault('http502');   // also: slow, reset, truncated, huge, tampered, unsigned, wrong-cert-sn, unknown-result
    const res = await postJson('/auth/alipay/in-app', { authCode: sim.mintAuthCode(alipayApp.appId, '2088102000000001') });
    expect(res.status).to.equal(502);
    expect(await res.json()).to.deep.equal({ error: 'ALIPAY_HTTP_STATUS' });
    expect(sim.calls.at(-1)).to.include({ method: 'alipay.system.oauth.token', fault: 'http502' });
  });
});
