/**
 * Branches found by reviewing the strategies against Alipay's documented behaviour (issue: right on
 * every branch). Each test fails on the behaviour before the fix.
 */
import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'net';
import passport from 'passport';
import { AlipayAPIError, AlipayTransportError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import {
  AUTH_CODE,

  TOKEN_NODE,
  USER_INFO_NODE,
  callback,
  gatewayBody,
  nockGateway,
  nockToken,
  node,
  strategy,
} from '../helpers/alipay';
import { APPLY_TOKEN_PATH, USER_INFO_PATH, macaoStrategy, nockMacao, post, MACAO_CODE } from '../helpers/macao';

const captureVerify = (seen: { profile?: any }) => (_a: string, _r: string, profile: any, done: any) => {
  seen.profile = profile;
  done(null, { id: profile.id });
};

describe('per-request scope decides the user-info call', () => {
  it('asks for the per-request scope on the redirect', async () => {
    const out = await run(strategy({ scope: 'auth_user' }), () => {}, { scope: 'auth_base' });
    expect(new URL(expectAction(out, 'redirect').url).searchParams.get('scope')).to.equal('auth_base');
  });

  /** Starts a login with `scope` in a session and returns its callback with `tamperedScope` in the URL. */
  async function startThenCallBack(s: ReturnType<typeof strategy>, scope: string, tamperedScope: string) {
    const session: Record<string, unknown> = {};
    const out = expectAction(await run(s, (req) => (req.session = session), { scope }), 'redirect');
    const state = new URL(out.url).searchParams.get('state') as string;
    return run(s, (req) => {
      callback({ auth_code: AUTH_CODE, state, scope: tamperedScope })(req);
      req.session = session;
    });
  }

  it('reads user info for a login that asked for auth_user, whatever scope the callback URL claims', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const info = nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info')));
    const seen: { profile?: any } = {};
    expectAction(await startThenCallBack(strategy({ state: true }, captureVerify(seen)), 'auth_user', 'auth_base'), 'success');
    expect(info.captured).to.have.length(1);
    expect(seen.profile.displayName).to.equal('支付宝小二');
  });

  it('never calls user info for a login that asked for auth_base, whatever scope the callback URL claims', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    // No interceptor for alipay.user.info.share: calling it would fail the login.
    const seen: { profile?: any } = {};
    expectAction(await startThenCallBack(strategy({ state: true, scope: 'auth_user' }, captureVerify(seen)), 'auth_base', 'auth_user'), 'success');
    expect(seen.profile).not.to.have.property('displayName');
  });

  it('ignores the callback URL scope without a state store too: the configured scope decides', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const seen: { profile?: any } = {};
    expectAction(await run(strategy({ scope: 'auth_base' }, captureVerify(seen)), callback({ auth_code: AUTH_CODE, scope: 'auth_user' })), 'success');
    expect(seen.profile).not.to.have.property('displayName');
  });

  it('takes the scope the callback route names when no store recorded one', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const info = nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info')));
    const out = await run(strategy({ scope: 'auth_base' }), callback({ auth_code: AUTH_CODE }), { scope: 'auth_user' });
    expectAction(out, 'success');
    expect(info.captured).to.have.length(1);
  });

  it('lets an explicit skipUserProfile: true win over a granted auth_user', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const seen: { profile?: any } = {};
    const out = await run(
      strategy({ scope: 'auth_user', skipUserProfile: true }, captureVerify(seen)),
      callback({ auth_code: AUTH_CODE, scope: 'auth_user' }),
    );
    expectAction(out, 'success');
    expect(seen.profile).not.to.have.property('displayName');
  });

  it('lets an explicit skipUserProfile: false fetch user info whatever the scope', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const info = nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info')));
    const out = await run(strategy({ skipUserProfile: false }), callback({ auth_code: AUTH_CODE, scope: 'auth_base' }));
    expectAction(out, 'success');
    expect(info.captured).to.have.length(1);
  });
});

describe('refresh answers without a user id', () => {
  it('returns the new mainland tokens when the refresh answer names no user', async () => {
    nockToken(TOKEN_NODE, node('token-refresh-no-id'));
    const grant = await strategy().refresh('old-refresh-token');
    expect(grant).to.deep.include({ accessToken: 'authusrRefreshedNoIdAT', refreshToken: 'authusrRefreshedNoIdRT' });
  });

  it('still refuses a mainland login whose token answer names no user', async () => {
    nockToken(TOKEN_NODE, node('token-refresh-no-id'));
    const { err } = expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('returns the new Macao tokens when the refresh answer has no authSiteUserId', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-refresh-no-user');
    const grant = await macaoStrategy().refresh('old-rt');
    expect(grant).to.deep.include({ accessToken: '281010033AB2F588D14B43238637264FCA5AAF35yyyy' });
    expect(grant.params).not.to.have.property('auth_site_user_id');
  });

  it('still refuses a Macao login whose answer has no authSiteUserId', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-refresh-no-user');
    const { err } = expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE })), 'error');
    expect(err).to.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });
});

describe('profile fields as Alipay sends them', () => {
  it('maps the sandbox\'s lower-case gender and leaves empty province and city out', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info-sandbox')));
    const seen: { profile?: any } = {};
    expectAction(await run(strategy({ scope: 'auth_user' }, captureVerify(seen)), callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.profile.gender).to.equal('male');
    expect(seen.profile).not.to.have.any.keys('province', 'city');
  });

  it('explains an expired access token (aop.auth-token-time-out)', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    nockGateway('alipay.user.info.share', gatewayBody('error_response', node('error-auth-token-time-out')));
    const { err } = expectAction(await run(strategy({ scope: 'auth_user' }), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ subCode: 'aop.auth-token-time-out' });
    expect(err.message).to.match(/expired/);
  });

  it('reads the Macao mobile number from a MobileNoInfo object', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    nockMacao(USER_INFO_PATH, 'user-info-mobile-object');
    const seen: { profile?: any } = {};
    const s = macaoStrategy({ skipUserProfile: false }, captureVerify(seen));
    expectAction(await run(s, post({ authCode: MACAO_CODE })), 'success');
    expect(seen.profile).to.deep.include({ mobileNo: '853-66123457', mobileNoVerified: true, phoneNumbers: [{ value: '853-66123457', verified: true }] });
  });

  it('keeps an unverified Macao mobile number marked as such, never as if verified', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    nockMacao(USER_INFO_PATH, 'user-info-mobile-unverified');
    const seen: { profile?: any } = {};
    const s = macaoStrategy({ skipUserProfile: false }, captureVerify(seen));
    expectAction(await run(s, post({ authCode: MACAO_CODE })), 'success');
    expect(seen.profile).to.deep.include({ mobileNo: '853-66123458', mobileNoVerified: false, phoneNumbers: [{ value: '853-66123458', verified: false }] });
  });
});

describe('requests of any framework', () => {
  it('redirects with an absolute callbackURL from a request without connection, socket or headers', async () => {
    const out = await run(strategy(), (req) => {
      delete req.connection;
      delete req.socket;
      req.headers = {};
    });
    expect(new URL(expectAction(out, 'redirect').url).searchParams.get('redirect_uri')).to.equal(
      'https://www.example.com/auth/alipay/callback',
    );
  });
});

describe("the gateway's status is not the app's status", () => {
  it('reports a gateway 404 as status 502, keeping 404 as upstreamStatus', async () => {
    nockGateway('alipay.system.oauth.token', 'Not Found', 404, { 'content-type': 'text/plain' });
    const { err } = expectAction(await run(strategy(), callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ status: 502, upstreamStatus: 404 });
  });

  it("makes Express's default error handler answer 502, not the gateway's 404", async () => {
    nockGateway('alipay.system.oauth.token', 'Not Found', 404, { 'content-type': 'text/plain' });
    const app = express();
    app.set('env', 'test'); // Express's default handler logs stack traces outside 'test'
    const pp = new passport.Passport();
    pp.use(strategy());
    app.get('/cb', pp.authenticate('alipay', { session: false }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cb?auth_code=${AUTH_CODE}`);
      expect(res.status).to.equal(502);
    } finally {
      server.close();
    }
  });
});

