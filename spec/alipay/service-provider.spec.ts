/**
 * Service providers (第三方应用, PROTOCOL A9): users signing into a merchant's app through the
 * provider's backend. The wire is checked against the official Node SDK: alipay-sdk's formatUrl
 * lists app_auth_token among the common parameters and its sign() includes it in the sign content
 * (node_modules/alipay-sdk/dist/commonjs/alipay.js, util.js); yansongda/pay#564 reports that inside
 * biz_content it is rejected.
 */
import { expect } from 'chai';
import { AlipaySdk } from 'alipay-sdk';
import nock from 'nock';
import { AlipayAPIError, AlipayConfigError, AlipayInAppStrategy, AlipayMerchantError, AlipayPhoneNumberError, AlipayStrategy } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { APP_ID, AUTH_CODE, GATEWAY_ORIGIN, TOKEN_NODE, USER_INFO_NODE, alipayOptions, gatewayBody, nockGateway, node, type CapturedRequest } from '../helpers/alipay';
import { certs, fixture, keys } from '../helpers/fixtures';
import { post } from '../helpers/macao';

const MERCHANT_A = { appId: '2021004100000002', appAuthToken: '202411BBa7d5c8e1f2b3c4d5e6f7a8b9c0d1e2f3' };
const MERCHANT_B = { appId: '2021004100000003', appAuthToken: '202411BBffffc8e1f2b3c4d5e6f7a8b9c0d1e2f3' };
const AES_KEY = fixture('keys', 'aes-key.b64').trim();
const OTHER_AES_KEY = fixture('keys', 'other-aes-key.b64').trim();
const REFRESH_TOKEN = 'authusrB4a9f0c2d1e8b7a6RT';
const certMode = { alipayPublicKey: undefined, appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle };

const keepProfile = (_a: string, _r: string, params: any, profile: any, done: any) => done(null, { profile, params });

function inApp(overrides: Record<string, unknown> = {}, verify: any = keepProfile) {
  return new AlipayInAppStrategy({ appId: APP_ID, privateKey: keys.appPrivatePkcs8, alipayPublicKey: keys.alipayPublic, merchant: MERCHANT_A, ...overrides } as never, verify);
}

function web(overrides: Record<string, unknown> = {}, verify: any = keepProfile) {
  return new AlipayStrategy(alipayOptions({ state: undefined, merchant: MERCHANT_A, ...overrides } as never) as never, verify);
}

/** Every parameter the gateway received, query and body together. */
const received = (request: CapturedRequest) => ({ ...Object.fromEntries(request.query), ...Object.fromEntries(request.body) });

/** The token answer as the gateway sends it, certificate-mode members included. */
function tokenBody(cert: boolean) {
  return gatewayBody(TOKEN_NODE, node('token-user-id'), cert ? { after: `,"alipay_cert_sn":"${alipayCertSn()}"` } : {});
}

function alipayCertSn(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { certificateSn, loadCertificate } = require('../../lib/alipay/cert-sn');
  return certificateSn(loadCertificate(certs.alipay, 'cert'));
}

/**
 * What alipay-sdk signs for `method` with `params` at the instant `timestamp` (Shanghai wall time):
 * the SDK reads the local clock, so the clock and the zone are pinned while it signs.
 */
function sdkSigned(cert: boolean, method: string, params: Record<string, string>, timestamp: string): Record<string, string> {
  const sdk = new AlipaySdk({
    appId: APP_ID,
    privateKey: keys.appPrivatePkcs8,
    keyType: 'PKCS8',
    ...(cert ? { appCertContent: certs.app, alipayPublicCertContent: certs.alipay, alipayRootCertContent: certs.rootBundle } : { alipayPublicKey: keys.alipayPublic }),
  });
  const RealDate = Date;
  const instant = RealDate.parse(`${timestamp.replace(' ', 'T')}+08:00`);
  const savedTz = process.env.TZ;
  class PinnedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(instant);
      else super(...(args as [number]));
    }
  }
  process.env.TZ = 'Asia/Shanghai';
  globalThis.Date = PinnedDate as DateConstructor;
  try {
    return Object.fromEntries(new URLSearchParams(sdk.sdkExecute(method, params)));
  } finally {
    globalThis.Date = RealDate;
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  }
}

for (const cert of [false, true]) {
  const mode = cert ? 'certificate mode' : 'key mode';
  describe(`service provider requests match alipay-sdk byte for byte (${mode})`, () => {
    const keyOptions = cert ? certMode : {};

    it('signs the token exchange with app_auth_token exactly as alipay-sdk does', async () => {
      const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(cert));
      expectAction(await run(inApp(keyOptions), post({ authCode: AUTH_CODE })), 'success');
      const sent = received(captured[0]);
      const sdk = sdkSigned(cert, 'alipay.system.oauth.token', { grantType: 'authorization_code', code: AUTH_CODE, appAuthToken: MERCHANT_A.appAuthToken }, sent.timestamp);
      expect(sent).to.deep.equal(sdk);
    });

    it('signs alipay.user.info.share with app_auth_token exactly as alipay-sdk does', async () => {
      nockGateway('alipay.system.oauth.token', tokenBody(cert));
      const info = cert ? { after: `,"alipay_cert_sn":"${alipayCertSn()}"` } : {};
      const { captured } = nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, fixture('alipay', 'user-info.json'), info));
      expectAction(await run(inApp({ ...keyOptions, skipUserProfile: false }), post({ authCode: AUTH_CODE })), 'success');
      const sent = received(captured[0]);
      const sdk = sdkSigned(cert, 'alipay.user.info.share', { authToken: 'authusrB4a9f0c2d1e8b7a6AT', appAuthToken: MERCHANT_A.appAuthToken }, sent.timestamp);
      expect(sent).to.deep.equal(sdk);
    });

    it('signs the refresh with app_auth_token exactly as alipay-sdk does', async () => {
      const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(cert));
      await inApp(keyOptions).refresh(REFRESH_TOKEN);
      const sent = received(captured[0]);
      const sdk = sdkSigned(cert, 'alipay.system.oauth.token', { grantType: 'refresh_token', refreshToken: REFRESH_TOKEN, appAuthToken: MERCHANT_A.appAuthToken }, sent.timestamp);
      expect(sent).to.deep.equal(sdk);
    });
  });
}

describe('service provider requests', () => {
  it('sends app_auth_token as a top-level body parameter, never in the URL or inside biz_content', async () => {
    const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(false));
    expectAction(await run(inApp(), post({ authCode: AUTH_CODE })), 'success');
    expect(captured[0].query.has('app_auth_token')).to.equal(false);
    expect(captured[0].body.get('app_auth_token')).to.equal(MERCHANT_A.appAuthToken);
    expect(captured[0].body.has('biz_content')).to.equal(false);
  });

  it('tells the app which merchant the user signed into (params and profile)', async () => {
    nockGateway('alipay.system.oauth.token', tokenBody(false));
    const { user } = expectAction(await run(inApp(), post({ authCode: AUTH_CODE })), 'success') as any;
    expect(user.params.merchantAppId).to.equal(MERCHANT_A.appId);
    expect(user.profile.merchantAppId).to.equal(MERCHANT_A.appId);
    expect(user.profile._json).to.not.have.property('merchantAppId');
  });

  it('sends no app_auth_token for the provider’s own app (no merchant option)', async () => {
    const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(false));
    expectAction(await run(inApp({ merchant: undefined }), post({ authCode: AUTH_CODE })), 'success');
    expect(captured[0].body.has('app_auth_token')).to.equal(false);
  });

  it('needs the merchant’s app_auth_token to refresh when merchants are resolved per request', async () => {
    const s = inApp({ merchant: async () => MERCHANT_A });
    const err = await s.refresh(REFRESH_TOKEN).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipayMerchantError).with.property('code', 'ALIPAY_MERCHANT_UNKNOWN');
    const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(false));
    await s.refresh(REFRESH_TOKEN, { appAuthToken: MERCHANT_B.appAuthToken });
    expect(captured[0].body.get('app_auth_token')).to.equal(MERCHANT_B.appAuthToken);
  });

  it('refreshes through passport-oauth2-refresh with the app_auth_token passed as a param', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const refresh = require('passport-oauth2-refresh');
    const s = web({ merchant: async () => MERCHANT_A, name: 'alipay-isv-refresh' });
    refresh.use(s);
    const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(false));
    const accessToken = await new Promise((resolve, reject) =>
      refresh.requestNewAccessToken('alipay-isv-refresh', REFRESH_TOKEN, { app_auth_token: MERCHANT_B.appAuthToken }, (err: unknown, at: string) => (err ? reject(err) : resolve(at))),
    );
    expect(accessToken).to.equal('authusrB4a9f0c2d1e8b7a6AT');
    expect(captured[0].body.get('app_auth_token')).to.equal(MERCHANT_B.appAuthToken);
  });

  for (const [fixtureName, subCode] of [
    ['error-invalid-app-auth-token', 'aop.invalid-app-auth-token'],
    ['error-app-auth-token-time-out', 'aop.app-auth-token-time-out'],
    ['error-insufficient-isv-permissions', 'isv.insufficient-isv-permissions'],
  ]) {
    it(`explains ${subCode} with what the provider must do, as a 500`, async () => {
      nockGateway('alipay.system.oauth.token', gatewayBody('error_response', fixture('alipay', `${fixtureName}.json`)));
      const { err } = expectAction(await run(inApp(), post({ authCode: AUTH_CODE })), 'error');
      expect(err).to.be.instanceOf(AlipayAPIError).with.property('subCode', subCode);
      expect((err as AlipayAPIError).status).to.equal(500);
      expect(err.message).to.match(/merchant/);
    });
  }

  it('masks an app_auth_token that Alipay echoes in a signature error', async () => {
    const echoed = `app_auth_token=${MERCHANT_A.appAuthToken}&app_id=${APP_ID}&charset=utf-8`;
    const refusal = JSON.stringify({ code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: `验签出错，验签字符串为：${echoed}` });
    nockGateway('alipay.system.oauth.token', gatewayBody('error_response', refusal));
    const { err } = expectAction(await run(inApp(), post({ authCode: AUTH_CODE })), 'error');
    expect(err.message).to.not.include(MERCHANT_A.appAuthToken);
    expect(JSON.stringify(err)).to.not.include(MERCHANT_A.appAuthToken);
  });
});

describe('the merchant option', () => {
  it('refuses a merchant without appAuthToken at construction, saying where it comes from', () => {
    expect(() => inApp({ merchant: { appId: MERCHANT_A.appId } })).to.throw(AlipayConfigError, /appAuthToken.*AlipayMerchantStrategy/);
  });

  it('refuses a merchant appId that is not a 16-digit APPID', () => {
    expect(() => inApp({ merchant: { appId: 'shop-a', appAuthToken: 'x' } })).to.throw(AlipayConfigError, /16-digit APPID/);
  });

  it('refuses merchant with state: false: the state must bind the merchant', () => {
    expect(() => web({ state: false })).to.throw(AlipayConfigError, /state store that records which merchant/);
  });

  it('accepts a synchronous resolver', async () => {
    const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(false));
    expectAction(await run(inApp({ merchant: () => MERCHANT_B }), post({ authCode: AUTH_CODE })), 'success');
    expect(captured[0].body.get('app_auth_token')).to.equal(MERCHANT_B.appAuthToken);
  });

  it('fails with ALIPAY_MERCHANT_UNKNOWN (404) when the resolver names no merchant, before any gateway call', async () => {
    const gateway = nock(GATEWAY_ORIGIN).post('/gateway.do').query(true).reply(500);
    const { err } = expectAction(await run(inApp({ merchant: async () => undefined }), post({ authCode: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipayMerchantError).with.property('code', 'ALIPAY_MERCHANT_UNKNOWN');
    expect((err as AlipayMerchantError).status).to.equal(404);
    expect(gateway.isDone()).to.equal(false);
    nock.cleanAll();
  });

  it('fails with ALIPAY_MERCHANT_INVALID (500) when the resolver returns an unusable merchant', async () => {
    const { err } = expectAction(await run(inApp({ merchant: async () => ({ appId: MERCHANT_A.appId, appAuthToken: '' }) }), post({ authCode: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipayMerchantError).with.property('code', 'ALIPAY_MERCHANT_INVALID');
    expect((err as AlipayMerchantError).status).to.equal(500);
  });

  it('hands on the error a resolver throws', async () => {
    const failure = new Error('tenant database down');
    const { err } = expectAction(await run(inApp({ merchant: async () => { throw failure; } }), post({ authCode: AUTH_CODE })), 'error');
    expect(err).to.equal(failure);
  });

  it("decrypts a phone number with the merchant's own AES key", async () => {
    nockGateway('alipay.system.oauth.token', tokenBody(false));
    const s = inApp({ aesKey: OTHER_AES_KEY, merchant: { ...MERCHANT_A, aesKey: AES_KEY } });
    const { user } = expectAction(await run(s, post({ authCode: AUTH_CODE, phoneNumber: fixture('alipay', 'phone-number.json') })), 'success') as any;
    expect(user.profile.phoneNumber).to.match(/^1\d{10}$/);
  });

  it("refuses a phone number encrypted for another merchant's mini program", async () => {
    const s = inApp({ aesKey: AES_KEY, merchant: { ...MERCHANT_A, aesKey: OTHER_AES_KEY } });
    const { err } = expectAction(await run(s, post({ authCode: AUTH_CODE, phoneNumber: fixture('alipay', 'phone-number.json') })), 'error');
    expect(err).to.be.instanceOf(AlipayPhoneNumberError);
  });
});

describe('merchant binding through redirect and callback', () => {
  const byHost = async (req: { headers: Record<string, string> }) => (req.headers.host === 'b.example.com' ? MERCHANT_B : MERCHANT_A);

  /** Starts a login in `session` on `host` and returns the state it was given. */
  async function start(s: ReturnType<typeof web>, session: object, host = 'a.example.com') {
    const { url } = expectAction(await run(s, (req) => { req.session = session; req.headers.host = host; }), 'redirect');
    return new URL(url);
  }

  function callbackOn(session: object, host: string, query: Record<string, string>) {
    return (req: Record<string, any>) => {
      req.session = session;
      req.headers.host = host;
      req.query = query;
      req.url = `/auth/alipay/callback?${new URLSearchParams(query)}`;
    };
  }

  it("redirects with the merchant's app_id and the merchant app's callback", async () => {
    const url = await start(web({ merchant: { ...MERCHANT_A, callbackURL: 'https://shop-a.example.com/alipay/return' } }), {});
    expect(url.searchParams.get('app_id')).to.equal(MERCHANT_A.appId);
    expect(url.searchParams.get('redirect_uri')).to.equal('https://shop-a.example.com/alipay/return');
  });

  it('completes a login for the merchant it started for, with that merchant’s token', async () => {
    const s = web({ merchant: byHost });
    const session = {};
    const state = (await start(s, session)).searchParams.get('state') as string;
    const { captured } = nockGateway('alipay.system.oauth.token', tokenBody(false));
    const outcome = await run(s, callbackOn(session, 'a.example.com', { auth_code: AUTH_CODE, state, app_id: MERCHANT_A.appId }));
    const { user } = expectAction(outcome, 'success') as any;
    expect(user.profile.merchantAppId).to.equal(MERCHANT_A.appId);
    expect(captured[0].body.get('app_auth_token')).to.equal(MERCHANT_A.appAuthToken);
  });

  it('refuses a callback started for merchant A that resolves to merchant B, before any gateway call', async () => {
    const s = web({ merchant: byHost });
    const session = {};
    const state = (await start(s, session, 'a.example.com')).searchParams.get('state') as string;
    const gateway = nock(GATEWAY_ORIGIN).post('/gateway.do').query(true).reply(500);
    const outcome = await run(s, callbackOn(session, 'b.example.com', { auth_code: AUTH_CODE, state }));
    expect(expectAction(outcome, 'fail').status).to.equal(403);
    expect(gateway.isDone()).to.equal(false);
    nock.cleanAll();
  });

  it("refuses a callback whose app_id is not the merchant's the login started for", async () => {
    const s = web({ merchant: byHost });
    const session = {};
    const state = (await start(s, session)).searchParams.get('state') as string;
    const outcome = await run(s, callbackOn(session, 'a.example.com', { auth_code: AUTH_CODE, state, app_id: MERCHANT_B.appId }));
    expect(expectAction(outcome, 'fail').status).to.equal(403);
  });

  it("passes the callback's app_id to the resolver, for one callback route serving many merchants", async () => {
    const seen: unknown[] = [];
    const s = web({ merchant: async (_req: unknown, lookup: { appId?: string }) => { seen.push(lookup.appId); return lookup.appId === MERCHANT_B.appId ? MERCHANT_B : MERCHANT_A; } });
    const session = {};
    const state = (await start(s, session)).searchParams.get('state') as string;
    nockGateway('alipay.system.oauth.token', tokenBody(false));
    expectAction(await run(s, callbackOn(session, 'a.example.com', { auth_code: AUTH_CODE, state, app_id: MERCHANT_A.appId })), 'success');
    expect(seen).to.deep.equal([undefined, MERCHANT_A.appId]);
  });

  it('refuses a callback whose state recorded no merchant (a login of the same session started without one)', async () => {
    const session = {};
    const state = (await start(web({ merchant: undefined }), session)).searchParams.get('state') as string;
    const outcome = await run(web(), callbackOn(session, 'a.example.com', { auth_code: AUTH_CODE, state }));
    expect(expectAction(outcome, 'fail').status).to.equal(403);
  });

  it('refuses the redirect with ALIPAY_MERCHANT_UNKNOWN when the resolver names no merchant', async () => {
    const outcome = await run(web({ merchant: () => null }), (req) => { req.session = {}; });
    expect(expectAction(outcome, 'error').err).to.be.instanceOf(AlipayMerchantError);
  });
});
