/**
 * The simulator as a service provider meets it: a provider app, merchant apps, the
 * app-authorization page, alipay.open.auth.token.app (+ refresh, query), and user logins for a
 * merchant's app that need a valid app_auth_token, refused with Alipay's sub-codes otherwise.
 */
import { expect } from 'chai';
import { AlipayAPIError, AlipayInAppStrategy, AlipayMerchantStrategy, AlipayStrategy } from '../../lib';
import { createAlipaySimulator, type AlipaySimulator, type SimulatedAppCredentials } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';
import { post } from '../helpers/macao';

const USER = '2088102000000001';
const keep = (_a: string, _r: string, params: any, profile: any, done: any) => done(null, { params, profile });

describe('simulator: service providers', () => {
  let sim: AlipaySimulator;
  let provider: SimulatedAppCredentials;
  let shop: SimulatedAppCredentials;
  let other: SimulatedAppCredentials;
  let now = Date.now();
  before(async () => {
    sim = await createAlipaySimulator({ now: () => now });
    provider = sim.createApp({ name: 'SaaS provider', serviceProvider: true });
    shop = sim.createApp({ name: 'Tea shop', idMode: 'open_id' });
    other = sim.createApp({ name: 'Bakery' });
  });
  after(() => sim.close());
  afterEach(() => {
    now = Date.now();
  });

  const providerKeys = () => ({ appId: provider.appId, privateKey: provider.privateKey, alipayPublicKey: provider.alipayPublicKey, gatewayURL: provider.gatewayURL });

  function merchantStrategy() {
    return new AlipayMerchantStrategy({ ...providerKeys(), authorizationURL: sim.appAuthorizationURL, callbackURL: 'http://localhost/merchant/callback' }, keep);
  }

  function userStrategy(merchant: object, extra: object = {}) {
    return new AlipayStrategy(
      { ...providerKeys(), authorizationURL: sim.authorizationURL, callbackURL: 'http://localhost/auth/alipay/callback', merchant: merchant as never, ...extra },
      keep,
    );
  }

  /** One browser's login through a strategy: redirect, the simulator's page, callback. */
  async function browserLogin(s: { authenticate: unknown }, approve: (redirect: string) => string) {
    const session = {};
    const { url } = expectAction(await run(s as never, (req) => { req.session = session; req.headers.host = 'localhost'; }), 'redirect');
    const back = new URL(approve(url));
    return run(s as never, (req) => {
      req.session = session;
      req.headers.host = 'localhost';
      req.query = Object.fromEntries(back.searchParams);
      req.url = back.pathname + back.search;
    });
  }

  it('onboards a merchant: the app-authorization page, then alipay.open.auth.token.app', async () => {
    const outcome = await browserLogin(merchantStrategy(), (url) => sim.approveAppAuthorization(url, shop.appId));
    const { user } = expectAction(outcome, 'success') as any;
    expect(user.profile.authAppId).to.equal(shop.appId);
    expect(user.profile.id).to.match(/^2088\d{12}$/);
    expect(user.params.app_auth_token).to.be.a('string');
    expect(user.params.tokens).to.have.length(1);
  });

  it('sends the merchant back without app_auth_code when it cancels', async () => {
    const outcome = await browserLogin(merchantStrategy(), (url) => sim.approveAppAuthorization(url, shop.appId, 'cancel'));
    expect(expectAction(outcome, 'fail').status).to.equal(401);
  });

  it('refuses the app-authorization page for an app that is not a service provider', () => {
    const url = `${sim.appAuthorizationURL}?app_id=${other.appId}&redirect_uri=${encodeURIComponent('http://localhost/cb')}`;
    expect(() => sim.approveAppAuthorization(url, shop.appId)).to.throw(/not a service provider/);
  });

  it("signs a user into the merchant's app with the app_auth_token: the merchant's ids", async () => {
    const { appAuthToken } = sim.authorizeProvider(provider.appId, shop.appId);
    const outcome = await browserLogin(userStrategy({ appId: shop.appId, appAuthToken }, { scope: 'auth_user' }), (url) => sim.approve(url, USER));
    const { user } = expectAction(outcome, 'success') as any;
    expect(user.profile.merchantAppId).to.equal(shop.appId);
    expect(user.profile.openId).to.be.a('string');
    expect(user.profile.displayName).to.equal('张三');
  });

  it("refuses a code of the merchant's app exchanged without app_auth_token (isv.code-invalid)", async () => {
    const s = new AlipayInAppStrategy(providerKeys(), keep);
    const { err } = expectAction(await run(s, post({ authCode: sim.mintAuthCode(shop.appId, USER) })), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).with.property('subCode', 'isv.code-invalid');
  });

  it('refuses an unknown app_auth_token (aop.invalid-app-auth-token)', async () => {
    const s = new AlipayInAppStrategy({ ...providerKeys(), merchant: { appId: shop.appId, appAuthToken: 'apt-unknown' } }, keep);
    const { err } = expectAction(await run(s, post({ authCode: sim.mintAuthCode(shop.appId, USER) })), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).with.property('subCode', 'aop.invalid-app-auth-token');
  });

  it('refuses a revoked app_auth_token (aop.invalid-app-auth-token)', async () => {
    const { appAuthToken } = sim.authorizeProvider(provider.appId, shop.appId);
    sim.revokeProviderAuthorization(appAuthToken);
    const s = new AlipayInAppStrategy({ ...providerKeys(), merchant: { appId: shop.appId, appAuthToken } }, keep);
    const { err } = expectAction(await run(s, post({ authCode: sim.mintAuthCode(shop.appId, USER) })), 'error');
    expect(err).to.have.property('subCode', 'aop.invalid-app-auth-token');
  });

  it('refuses an expired app_auth_token (aop.app-auth-token-time-out)', async () => {
    // A token that lives a minute, so the clock moves less than the gateway's timestamp tolerance.
    let clock = Date.now();
    const short = await createAlipaySimulator({ now: () => clock, appAuthTokenTtlSec: 60 });
    try {
      const p = short.createApp({ serviceProvider: true });
      const m = short.createApp();
      const { appAuthToken } = short.authorizeProvider(p.appId, m.appId);
      const code = short.mintAuthCode(m.appId, USER);
      clock += 2 * 60 * 1000;
      const s = new AlipayInAppStrategy({ appId: p.appId, privateKey: p.privateKey, alipayPublicKey: p.alipayPublicKey, gatewayURL: p.gatewayURL, merchant: { appId: m.appId, appAuthToken } }, keep);
      const { err } = expectAction(await run(s, post({ authCode: code })), 'error');
      expect(err).to.have.property('subCode', 'aop.app-auth-token-time-out');
    } finally {
      await short.close();
    }
  });

  it('refuses an API the merchant did not grant (isv.insufficient-isv-permissions)', async () => {
    const { appAuthToken } = sim.authorizeProvider(provider.appId, shop.appId, { authMethods: ['alipay.trade.pay'] });
    const s = new AlipayInAppStrategy({ ...providerKeys(), merchant: { appId: shop.appId, appAuthToken } }, keep);
    const { err } = expectAction(await run(s, post({ authCode: sim.mintAuthCode(shop.appId, USER) })), 'error');
    expect(err).to.have.property('subCode', 'isv.insufficient-isv-permissions');
  });

  it("refuses another merchant's app_auth_token for this merchant's code", async () => {
    const { appAuthToken } = sim.authorizeProvider(provider.appId, other.appId);
    const s = new AlipayInAppStrategy({ ...providerKeys(), merchant: { appId: shop.appId, appAuthToken } }, keep);
    const { err } = expectAction(await run(s, post({ authCode: sim.mintAuthCode(shop.appId, USER) })), 'error');
    expect(err).to.have.property('subCode', 'isv.code-invalid');
  });

  it("decrypts a merchant mini program's phone number with the merchant's AES key", async () => {
    const { appAuthToken } = sim.authorizeProvider(provider.appId, shop.appId);
    const s = new AlipayInAppStrategy({ ...providerKeys(), merchant: { appId: shop.appId, appAuthToken, aesKey: shop.aesKey } }, keep);
    const body = { authCode: sim.mintAuthCode(shop.appId, USER), phoneNumber: sim.phoneNumberPayload(shop.appId, USER) };
    const { user } = expectAction(await run(s, post(body)), 'success') as any;
    expect(user.profile.phoneNumber).to.equal('13800000001');
  });

  it('refreshes an app_auth_token: the new one works, the old one for ten more minutes', async () => {
    const first = sim.authorizeProvider(provider.appId, shop.appId);
    const refreshed = await merchantStrategy().refresh(first.appRefreshToken);
    expect(refreshed.accessToken).to.not.equal(first.appAuthToken);
    const statusOld = await merchantStrategy().merchantTokenStatus(first.appAuthToken);
    expect(statusOld.valid).to.equal(true);
    expect(statusOld.expiresIn).to.be.at.most(600);
    now += 11 * 60 * 1000; // within the gateway's 15-minute timestamp tolerance
    expect((await merchantStrategy().merchantTokenStatus(first.appAuthToken)).valid).to.equal(false);
    expect((await merchantStrategy().merchantTokenStatus(refreshed.accessToken)).valid).to.equal(true);
  });

  it('spends an app_refresh_token on its first use', async () => {
    const first = sim.authorizeProvider(provider.appId, shop.appId);
    await merchantStrategy().refresh(first.appRefreshToken);
    const err = await merchantStrategy().refresh(first.appRefreshToken).catch((e: unknown) => e);
    expect(err).to.have.property('subCode', 'isv.refreshed-token-invalid');
  });

  it('reports the authorized APIs and the end of a token', async () => {
    const { appAuthToken } = sim.authorizeProvider(provider.appId, shop.appId);
    const status = await merchantStrategy().merchantTokenStatus(appAuthToken);
    expect(status).to.include({ status: 'valid', authAppId: shop.appId });
    expect(status.authMethods).to.include('alipay.system.oauth.token');
    expect(status.expiresAt!.getTime()).to.be.greaterThan(now + 364 * 24 * 3600 * 1000);
  });
});
