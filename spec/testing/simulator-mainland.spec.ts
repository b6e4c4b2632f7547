import { expect } from 'chai';
import { AlipayAPIError, AlipayStrategy } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';
import { keys } from '../helpers/fixtures';

const CALLBACK = 'http://localhost:3000/auth/alipay/callback';

describe('simulator: mainland', () => {
  let sim: AlipaySimulator;
  let clock = Date.now();
  before(async () => {
    sim = await createAlipaySimulator({ now: () => clock });
  });
  after(() => sim.close());
  beforeEach(() => {
    clock = Date.now();
  });

  function strategyFor(app: ReturnType<AlipaySimulator['createApp']>, extra: Record<string, unknown> = {}, verify?: any) {
    return new AlipayStrategy(
      { ...app, callbackURL: CALLBACK, state: false, ...extra } as never,
      verify ?? ((_a: string, _r: string, params: any, profile: any, done: any) => done(null, { profile, params })),
    );
  }

  const login = (s: AlipayStrategy, code: string) => run(s, (req) => (req.query = { auth_code: code }));

  it('signs a user_id app user in with user_id', async () => {
    const app = sim.createApp({ idMode: 'user_id' });
    const out = expectAction(await login(strategyFor(app), sim.mintAuthCode(app.appId, '2088102000000001')), 'success');
    expect((out.user as any).profile).to.include({ id: '2088102000000001', userId: '2088102000000001' });
    expect((out.user as any).profile).not.to.have.property('openId');
  });

  it('signs an open_id app user in with open_id only', async () => {
    const app = sim.createApp({ idMode: 'open_id' });
    const out = expectAction(await login(strategyFor(app), sim.mintAuthCode(app.appId, '2088102000000001')), 'success');
    const profile = (out.user as any).profile;
    expect(profile.openId).to.have.length(43);
    expect(profile.id).to.equal(profile.openId);
    expect(profile).not.to.have.property('userId');
  });

  it('gives the same open_id to the same user of the same app, another to another app', async () => {
    const [a, b] = [sim.createApp({ idMode: 'open_id' }), sim.createApp({ idMode: 'open_id' })];
    const idOf = async (app: typeof a) =>
      ((expectAction(await login(strategyFor(app), sim.mintAuthCode(app.appId, '2088102000000002')), 'success').user as any).profile.id);
    const [first, again, other] = [await idOf(a), await idOf(a), await idOf(b)];
    expect(first).to.equal(again);
    expect(first).not.to.equal(other);
  });

  it('sends both ids for an app in both mode', async () => {
    const app = sim.createApp({ idMode: 'both' });
    const out = expectAction(await login(strategyFor(app), sim.mintAuthCode(app.appId, '2088102000000001')), 'success');
    expect((out.user as any).profile).to.include.keys('userId', 'openId');
  });

  it('refuses a reused auth code with isv.code-invalid', async () => {
    const app = sim.createApp();
    const code = sim.mintAuthCode(app.appId, '2088102000000001');
    expectAction(await login(strategyFor(app), code), 'success');
    const { err } = expectAction(await login(strategyFor(app), code), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ subCode: 'isv.code-invalid', signed: true });
  });

  it('refuses an expired auth code', async () => {
    const app = sim.createApp();
    const code = sim.mintAuthCode(app.appId, '2088102000000001');
    clock += 181_000;
    const { err } = expectAction(await login(strategyFor(app), code), 'error');
    expect(err).to.include({ subCode: 'isv.code-invalid' });
  });

  it("refuses a code issued to another app", async () => {
    const [a, b] = [sim.createApp(), sim.createApp()];
    const { err } = expectAction(await login(strategyFor(b), sim.mintAuthCode(a.appId, '2088102000000001')), 'error');
    expect(err).to.include({ subCode: 'isv.code-invalid' });
  });

  it('answers isv.invalid-signature, echoing the checked string, to a request signed with the wrong key', async () => {
    const app = sim.createApp();
    const s = strategyFor({ ...app, privateKey: keys.otherPrivate });
    const { err } = expectAction(await login(s, sim.mintAuthCode(app.appId, '2088102000000001')), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ subCode: 'isv.invalid-signature' });
    expect((err as AlipayAPIError).subMsg).to.include(`app_id=${app.appId}&charset=utf-8&code=***`);
    expect((err as AlipayAPIError).signContent).to.match(/^app_id=.*&code=\*\*\*&/);
  });

  it('answers isv.invalid-app-id to an unknown app', async () => {
    const app = sim.createApp();
    const s = strategyFor({ ...app, appId: '2021999999999999' });
    const { err } = expectAction(await login(s, 'whatever'), 'error');
    expect(err).to.include({ subCode: 'isv.invalid-app-id' });
  });

  it('adds user info for an auth_user grant', async () => {
    const app = sim.createApp();
    const s = strategyFor(app, { scope: 'auth_user' });
    const out = expectAction(await login(s, sim.mintAuthCode(app.appId, '2088102000000001', 'auth_user')), 'success');
    expect((out.user as any).profile).to.deep.include({
      displayName: '张三',
      gender: 'male',
      photos: [{ value: `${sim.url}/avatars/2088102000000001.svg` }],
    });
  });

  it('answers 20001 to user info with an auth_base token', async () => {
    const app = sim.createApp();
    const s = strategyFor(app, { scope: 'auth_user' });
    const { err } = expectAction(await login(s, sim.mintAuthCode(app.appId, '2088102000000001', 'auth_base')), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ code: '20001', subCode: 'aop.invalid-auth-token' });
  });

  it('rotates refresh tokens: a used one is refused', async () => {
    const app = sim.createApp();
    const s = strategyFor(app);
    const out = expectAction(await login(s, sim.mintAuthCode(app.appId, '2088102000000001')), 'success');
    const refreshToken = (out.user as any).params.refresh_token;
    const renewed = await s.refresh(refreshToken);
    expect(renewed.refreshToken).to.be.a('string').and.not.equal(refreshToken);
    try {
      await s.refresh(refreshToken);
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.include({ subCode: 'isv.refreshed-token-invalid' });
    }
  });

  it('refuses an unknown refresh token', async () => {
    const app = sim.createApp();
    try {
      await strategyFor(app).refresh('rt-unknown');
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.include({ subCode: 'isv.refresh-token-invalid' });
    }
  });

  it('escapes / as \\/ in the raw answer, as the gateway does', async () => {
    const app = sim.createApp();
    const { AlipayGateway } = await import('../../lib/alipay/gateway');
    const { loadPrivateKey, loadPublicKey } = await import('../../lib/core/keys');
    const { resolveHttpSettings } = await import('../../lib/core/options');
    const s = strategyFor(app, { scope: 'auth_user' });
    const out = expectAction(await login(s, sim.mintAuthCode(app.appId, '2088102000000001', 'auth_user')), 'success');
    const request = new AlipayGateway({
      appId: app.appId,
      gatewayURL: app.gatewayURL,
      privateKey: loadPrivateKey(app.privateKey, 'p'),
      alipayPublicKey: loadPublicKey(app.alipayPublicKey, 'a'),
      http: resolveHttpSettings({}),
    }).buildRequest('alipay.user.info.share', { auth_token: (out.user as any).params.access_token });
    const raw = await (await fetch(app.gatewayURL + request.query, { method: 'POST', body: request.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).text();
    expect(raw).to.include(`${sim.url.replace(/\//g, '\\/')}\\/avatars\\/2088102000000001.svg`);
  });

  it('serves the default users\' avatars', async () => {
    const res = await fetch(`${sim.url}/avatars/2088102000000001.svg`);
    expect(res.headers.get('content-type')).to.equal('image/svg+xml');
    expect(await res.text()).to.include('张');
  });

  it('refuses a timestamp far from Shanghai time', async () => {
    const app = sim.createApp();
    clock += 60 * 60 * 1000;
    const { err } = expectAction(await login(strategyFor(app), sim.mintAuthCode(app.appId, '2088102000000001')), 'error');
    expect(err).to.include({ subCode: 'isv.invalid-timestamp' });
  });

  it('records every API call', async () => {
    const app = sim.createApp();
    const before = sim.calls.length;
    expectAction(await login(strategyFor(app), sim.mintAuthCode(app.appId, '2088102000000001')), 'success');
    expect(sim.calls.slice(before)).to.deep.equal([{ protocol: 'mainland', method: 'alipay.system.oauth.token', fault: undefined }]);
  });
});

describe('simulator: mainland consent page', () => {
  let sim: AlipaySimulator;
  let appId: string;
  before(async () => {
    sim = await createAlipaySimulator();
    appId = sim.createApp({ name: 'Demo Shop' }).appId;
  });
  after(() => sim.close());

  function authorizeURL(params: Record<string, string>) {
    return `${sim.authorizationURL}?${new URLSearchParams(params)}`;
  }

  async function decide(decision: string, state = 'st1') {
    return fetch(`${sim.url}/oauth2/consent`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ app_id: appId, scope: 'auth_user', redirect_uri: CALLBACK, state, user: '2088102000000002', decision }),
    });
  }

  it('renders the app, the scope, test users, Agree and Cancel', async () => {
    const html = await (await fetch(authorizeURL({ app_id: appId, scope: 'auth_user', redirect_uri: CALLBACK, state: 's' }))).text();
    expect(html).to.include('Demo Shop').and.include('auth_user').and.include('张三').and.include('id="agree"').and.include('id="cancel"');
  });

  it('shows an error page for an unknown app_id', async () => {
    const res = await fetch(authorizeURL({ app_id: '2021000000000404', scope: 'auth_base', redirect_uri: CALLBACK }));
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('unknown app_id');
  });

  it('shows an error page for a redirect_uri outside the registered domain', async () => {
    const res = await fetch(authorizeURL({ app_id: appId, scope: 'auth_base', redirect_uri: 'https://evil.example.com/cb' }));
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('registered callback domain');
  });

  it('redirects with app_id, source, scope, auth_code and state on Agree', async () => {
    const res = await decide('agree');
    const location = new URL(res.headers.get('location') as string);
    expect(location.origin + location.pathname).to.equal(CALLBACK);
    expect([...location.searchParams.keys()].sort()).to.deep.equal(['app_id', 'auth_code', 'scope', 'source', 'state']);
    expect(location.searchParams.get('state')).to.equal('st1');
  });

  it('approve() returns the callback address the consent page would redirect to', () => {
    const url = new URL(sim.approve(authorizeURL({ app_id: appId, scope: 'auth_user', redirect_uri: CALLBACK, state: 's9' }), '2088102000000003'));
    expect(url.origin + url.pathname).to.equal(CALLBACK);
    expect(url.searchParams.get('state')).to.equal('s9');
    expect(url.searchParams.get('auth_code')).to.match(/^code[0-9a-f]{32}$/);
  });

  it('approve() with cancel returns without an auth_code', () => {
    const url = new URL(sim.approve(authorizeURL({ app_id: appId, scope: 'auth_base', redirect_uri: CALLBACK, state: 's' }), '2088102000000001', 'cancel'));
    expect(url.searchParams.has('auth_code')).to.equal(false);
  });

  it('approve() throws what the page would show for a foreign redirect_uri', () => {
    expect(() => sim.approve(authorizeURL({ app_id: appId, scope: 'auth_base', redirect_uri: 'https://evil.example.com/cb' }), '2088102000000001')).to.throw(
      /registered callback domain/,
    );
  });

  it('approve(null) says it needs the Location header of the login route', () => {
    expect(() => sim.approve(null as never, '2088102000000001')).to.throw(TypeError, /Location header of \/auth\/alipay/);
  });

  it('approve() without a user id says which id it needs', () => {
    expect(() => sim.approve(authorizeURL({ app_id: appId, scope: 'auth_base', redirect_uri: CALLBACK }), undefined as never)).to.throw(TypeError, /test user id/);
  });

  it('redirects without auth_code on Cancel', async () => {
    const location = new URL((await decide('cancel')).headers.get('location') as string);
    expect(location.searchParams.has('auth_code')).to.equal(false);
    expect(location.searchParams.get('state')).to.equal('st1');
  });
});
