/**
 * AlipayMerchantStrategy: merchants authorizing a service provider's app (第三方应用授权, PROTOCOL
 * A9). The redirect and callback follow Alipay's app-authorization docs (appToAppAuth.htm with
 * app_id, redirect_uri, state; callback app_id, source=alipay_app_auth, app_auth_code, state); the
 * answers follow alipay.open.auth.token.app and .query (docs.open.alipay.com/api_9/alipay.open.auth.token.app).
 */
import { expect } from 'chai';
import nock from 'nock';
import { AlipayAPIError, AlipayConfigError, AlipayMerchantStrategy, AlipayTransportError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { APP_ID, GATEWAY_ORIGIN, gatewayBody, nockGateway } from '../helpers/alipay';
import { fixture, keys } from '../helpers/fixtures';

const NODE = 'alipay_open_auth_token_app_response';
const QUERY_NODE = 'alipay_open_auth_token_app_query_response';
const APP_AUTH_CODE = 'P8d5e1c0b2a3f4e5d6c7b8a9f0e1d2c3';
const MERCHANT_TOKEN = '202411BBa7d5c8e1f2b3c4d5e6f7a8b9c0d1e2f3';
const MERCHANT_REFRESH = '202411BB1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';

const keep = (_a: string, _r: string, params: any, profile: any, done: any) => done(null, { params, profile });

function merchantStrategy(overrides: Record<string, unknown> = {}, verify: any = keep) {
  return new AlipayMerchantStrategy(
    { appId: APP_ID, privateKey: keys.appPrivatePkcs8, alipayPublicKey: keys.alipayPublic, callbackURL: '/auth/alipay-merchant/callback', ...overrides } as never,
    verify,
  );
}

function nockTokenApp(fixtureName: string) {
  return nockGateway('alipay.open.auth.token.app', gatewayBody(NODE, fixture('alipay', `${fixtureName}.json`)));
}

/** Starts an authorization in `session` and returns the redirect address. */
async function start(s: ReturnType<typeof merchantStrategy>, session: object) {
  return new URL(expectAction(await run(s, (req) => { req.session = session; }), 'redirect').url);
}

function callback(session: object, query: Record<string, unknown>) {
  return (req: Record<string, any>) => {
    req.session = session;
    req.query = query;
    req.url = `/auth/alipay-merchant/callback?${new URLSearchParams(query as Record<string, string>)}`;
  };
}

/** A started authorization's session and state, and the callback Alipay would send back. */
async function authorized(s: ReturnType<typeof merchantStrategy>, extra: Record<string, unknown> = {}) {
  const session = {};
  const state = (await start(s, session)).searchParams.get('state') as string;
  return callback(session, { app_id: APP_ID, source: 'alipay_app_auth', app_auth_code: APP_AUTH_CODE, state, ...extra });
}

describe('AlipayMerchantStrategy construction', () => {
  it("is named 'alipay-merchant' by default", () => {
    expect(merchantStrategy().name).to.equal('alipay-merchant');
  });

  it('needs a callbackURL', () => {
    expect(() => merchantStrategy({ callbackURL: undefined })).to.throw(AlipayConfigError, /callbackURL is required/);
  });

  it('refuses the merchant and scope options of the user strategies', () => {
    expect(() => merchantStrategy({ scope: 'auth_user' })).to.throw(AlipayConfigError, /no merchant and no scope/);
  });
});

describe('AlipayMerchantStrategy redirect', () => {
  it("redirects to appToAppAuth.htm with the provider's app_id, the callback and a state", async () => {
    const url = await start(merchantStrategy(), {});
    expect(`${url.origin}${url.pathname}`).to.equal('https://openauth.alipay.com/oauth2/appToAppAuth.htm');
    expect(url.searchParams.get('app_id')).to.equal(APP_ID);
    expect(url.searchParams.get('redirect_uri')).to.equal('http://www.example.com/auth/alipay-merchant/callback');
    expect(url.searchParams.get('state')).to.match(/^[A-Za-z0-9_-]{24}$/);
    expect(url.searchParams.has('scope')).to.equal(false);
  });

  it('uses the sandbox page with sandbox: true', async () => {
    const url = await start(merchantStrategy({ sandbox: true }), {});
    expect(url.hostname).to.equal('openauth-sandbox.dl.alipaydev.com');
  });
});

describe('AlipayMerchantStrategy callback', () => {
  it('exchanges app_auth_code with alipay.open.auth.token.app and yields the merchant (flat answer)', async () => {
    const s = merchantStrategy();
    const { captured } = nockTokenApp('merchant-token-flat');
    const { user } = expectAction(await run(s, await authorized(s)), 'success') as any;
    expect(JSON.parse(captured[0].body.get('biz_content') as string)).to.deep.equal({ grant_type: 'authorization_code', code: APP_AUTH_CODE });
    expect(user.profile).to.include({ provider: 'alipay', id: '2088102000000099', userId: '2088102000000099', authAppId: '2021004100000002' });
    expect(user.params).to.include({ app_auth_token: MERCHANT_TOKEN, app_refresh_token: MERCHANT_REFRESH, expires_in: 31536000, re_expires_in: 32140800 });
  });

  it('gives passport accessToken = app_auth_token and refreshToken = app_refresh_token', async () => {
    const s = merchantStrategy({}, (at: string, rt: string, _p: unknown, done: any) => done(null, { at, rt }));
    nockTokenApp('merchant-token-flat');
    const { user } = expectAction(await run(s, await authorized(s)), 'success');
    expect(user).to.deep.equal({ at: MERCHANT_TOKEN, rt: MERCHANT_REFRESH });
  });

  it('reads the tokens array form: the first authorization is the grant, every app is listed', async () => {
    const s = merchantStrategy();
    nockTokenApp('merchant-token-tokens');
    const { user } = expectAction(await run(s, await authorized(s)), 'success') as any;
    expect(user.params.app_auth_token).to.equal(MERCHANT_TOKEN);
    expect(user.params.tokens).to.have.length(2);
    expect(user.profile.authAppIds).to.deep.equal(['2021004100000002', '2021004100000003']);
  });

  it('uses the open_id as the merchant id where the answer carries that instead of user_id', async () => {
    const s = merchantStrategy();
    nockTokenApp('merchant-token-open-id');
    const { user } = expectAction(await run(s, await authorized(s)), 'success') as any;
    expect(user.profile.id).to.equal('074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5');
    expect(user.profile).to.not.have.property('userId');
  });

  it('keeps every token out of the profile', async () => {
    const s = merchantStrategy();
    nockTokenApp('merchant-token-tokens');
    const { user } = expectAction(await run(s, await authorized(s)), 'success') as any;
    expect(JSON.stringify(user.profile)).to.not.include(MERCHANT_TOKEN).and.not.include(MERCHANT_REFRESH);
  });

  it('refuses a verified answer without app_auth_token', async () => {
    const s = merchantStrategy();
    nockGateway('alipay.open.auth.token.app', gatewayBody(NODE, '{"code":"10000","msg":"Success","user_id":"2088102000000099"}'));
    const { err } = expectAction(await run(s, await authorized(s)), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).with.property('code', 'ALIPAY_INVALID_RESPONSE');
  });

  it('refuses an answer signed by another key', async () => {
    const s = merchantStrategy();
    nockGateway('alipay.open.auth.token.app', gatewayBody(NODE, fixture('alipay', 'merchant-token-flat.json'), { sign: Buffer.alloc(256, 1).toString('base64') }));
    expect(expectAction(await run(s, await authorized(s)), 'error').err.name).to.equal('AlipaySignatureError');
  });

  it('reports a used or expired app_auth_code as AlipayAPIError 400', async () => {
    const s = merchantStrategy();
    nockGateway('alipay.open.auth.token.app', gatewayBody('error_response', fixture('alipay', 'error-code-invalid.json')));
    const { err } = expectAction(await run(s, await authorized(s)), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).with.property('subCode', 'isv.code-invalid');
    expect((err as AlipayAPIError).status).to.equal(400);
  });

  it('fails a callback without state, without any gateway call', async () => {
    const gateway = nock(GATEWAY_ORIGIN).post('/gateway.do').query(true).reply(500);
    const outcome = await run(merchantStrategy(), callback({}, { app_id: APP_ID, source: 'alipay_app_auth', app_auth_code: APP_AUTH_CODE }));
    expect(expectAction(outcome, 'fail').status).to.equal(403);
    expect(gateway.isDone()).to.equal(false);
    nock.cleanAll();
  });

  it('fails a callback with a forged state', async () => {
    const s = merchantStrategy();
    const session = {};
    await start(s, session);
    const outcome = await run(s, callback(session, { app_auth_code: APP_AUTH_CODE, state: 'forged-state-forged-state' }));
    expect(expectAction(outcome, 'fail').status).to.equal(403);
  });

  it('makes a state single-use', async () => {
    const s = merchantStrategy();
    const cb = await authorized(s);
    nockTokenApp('merchant-token-flat');
    expectAction(await run(s, cb), 'success');
    expect(expectAction(await run(s, cb), 'fail').status).to.equal(403);
  });

  it("fails a callback for another provider app's authorization", async () => {
    const s = merchantStrategy();
    const outcome = await run(s, await authorized(s, { app_id: '2021009999999999' }));
    expect(expectAction(outcome, 'fail').status).to.equal(403);
  });

  it('fails a cancelled authorization (no app_auth_code) instead of redirecting again', async () => {
    const outcome = await run(merchantStrategy(), callback({}, { app_id: APP_ID, source: 'alipay_app_auth', state: 'x' }));
    expect(expectAction(outcome, 'fail').status).to.equal(401);
  });

  for (const [label, code] of [
    ['repeated', ['a', 'b']],
    ['oversized', 'x'.repeat(500)],
    ['non-ASCII', '授权码'],
    ['empty', ''],
  ] as const) {
    it(`answers 400 to a ${label} app_auth_code without repeating it`, async () => {
      const outcome = await run(merchantStrategy(), callback({}, { app_auth_code: code, state: 'x' }));
      const failed = expectAction(outcome, 'fail');
      expect(failed.status).to.equal(400);
      if (typeof code === 'string' && code.length > 0) expect(JSON.stringify(failed.challenge)).to.not.include(code);
    });
  }
});

describe('AlipayMerchantStrategy refresh and token status', () => {
  it('refreshes with grant_type=refresh_token and returns the new tokens', async () => {
    const { captured } = nockTokenApp('merchant-token-flat');
    const grant = await merchantStrategy().refresh('old-refresh-token');
    expect(JSON.parse(captured[0].body.get('biz_content') as string)).to.deep.equal({ grant_type: 'refresh_token', refresh_token: 'old-refresh-token' });
    expect(grant).to.include({ accessToken: MERCHANT_TOKEN, refreshToken: MERCHANT_REFRESH });
  });

  it('refreshes through passport-oauth2-refresh', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const refresh = require('passport-oauth2-refresh');
    refresh.use(merchantStrategy({ name: 'alipay-merchant-refresh' }));
    nockTokenApp('merchant-token-flat');
    const tokens = await new Promise<string[]>((resolve, reject) =>
      refresh.requestNewAccessToken('alipay-merchant-refresh', 'old-refresh-token', (err: unknown, at: string, rt: string) => (err ? reject(err) : resolve([at, rt]))),
    );
    expect(tokens).to.deep.equal([MERCHANT_TOKEN, MERCHANT_REFRESH]);
  });

  it("reports a token's status, APIs and end with alipay.open.auth.token.app.query", async () => {
    const { captured } = nockGateway('alipay.open.auth.token.app.query', gatewayBody(QUERY_NODE, fixture('alipay', 'merchant-token-query.json')));
    const status = await merchantStrategy().merchantTokenStatus(MERCHANT_TOKEN);
    expect(JSON.parse(captured[0].body.get('biz_content') as string)).to.deep.equal({ app_auth_token: MERCHANT_TOKEN });
    expect(status).to.include({ status: 'valid', valid: true, userId: '2088102000000099', authAppId: '2021004100000002', expiresIn: 31535000 });
    expect(status.authMethods).to.deep.equal(['alipay.system.oauth.token', 'alipay.user.info.share']);
    expect(status.expiresAt?.toISOString()).to.equal('2025-11-30T04:00:00.000Z');
  });

  it('reports an unknown token as AlipayAPIError aop.invalid-app-auth-token', async () => {
    nockGateway('alipay.open.auth.token.app.query', gatewayBody(QUERY_NODE, fixture('alipay', 'error-invalid-app-auth-token.json')));
    const err = await merchantStrategy().merchantTokenStatus('unknown').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipayAPIError).with.property('subCode', 'aop.invalid-app-auth-token');
  });

  it('needs a token string', async () => {
    const err = await merchantStrategy().merchantTokenStatus('' as string).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AlipayConfigError);
  });
});
