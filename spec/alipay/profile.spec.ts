import { expect } from 'chai';
import { AlipayAPIError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, TOKEN_NODE, USER_INFO_NODE, callback, gatewayBody, nockGateway, nockToken, node, strategy } from '../helpers/alipay';

const TOKENS = ['authusrB4a9f0c2d1e8b7a6AT', 'authusrB4a9f0c2d1e8b7a6RT'];

function captureProfile(overrides = {}) {
  const seen: { profile?: any; params?: any; accessToken?: string; refreshToken?: string } = {};
  const verify = (accessToken: string, refreshToken: string, params: unknown, profile: unknown, done: any) => {
    Object.assign(seen, { accessToken, refreshToken, params, profile });
    done(null, { ok: true });
  };
  return { seen, strategy: strategy(overrides, verify) };
}

describe('mainland profile and params', () => {
  it('uses user_id as the id and exposes userId', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.profile).to.include({ provider: 'alipay', id: '2088102000000001', userId: '2088102000000001' });
  });

  it('uses open_id as the id for apps that get only open_id', async () => {
    nockToken(TOKEN_NODE, node('token-open-id'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.profile.id).to.equal('074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5');
    expect(seen.profile.openId).to.equal(seen.profile.id);
    expect(seen.profile).not.to.have.property('userId');
  });

  it('exposes userId, openId and unionId when all are sent', async () => {
    nockToken(TOKEN_NODE, node('token-union'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.profile).to.include({ id: '2088102000000002', userId: '2088102000000002', unionId: '2088unionAbCdEf' });
    expect(seen.profile.openId).to.match(/^0e4a/);
  });

  it('gives params with expires_in and re_expires_in as numbers, even when sent as strings', async () => {
    nockToken(TOKEN_NODE, node('token-open-id'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.params).to.include({ expires_in: 1296000, re_expires_in: 2592000, access_token: 'authbseB0pen1dOnlyTokenAT' });
  });

  it('passes the tokens to verify', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect([seen.accessToken, seen.refreshToken]).to.deep.equal(TOKENS);
  });

  it('puts no token into the profile', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    const text = JSON.stringify(seen.profile);
    for (const secret of [...TOKENS, AUTH_CODE]) expect(text).not.to.include(secret);
  });

  it('does not call user info for scope auth_base', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    const { seen, strategy: s } = captureProfile();
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(captured).to.have.length(1);
    expect(seen.profile).not.to.have.property('displayName');
  });

  it('adds nickname, avatar and gender from alipay.user.info.share with scope auth_user', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info')));
    const { seen, strategy: s } = captureProfile({ scope: 'auth_user' });
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(seen.profile).to.deep.include({
      displayName: '支付宝小二',
      photos: [{ value: 'https://tfs.alipayobjects.com/images/partner/T1k0xiXXRnXXXXXXXX' }],
      gender: 'female',
      province: '浙江省',
      city: '杭州市',
    });
  });

  it('sends the access token as the signed auth_token parameter, outside the URL', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const { captured } = nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info')));
    const { strategy: s } = captureProfile({ scope: 'auth_user' });
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(captured[0].body.get('auth_token')).to.equal(TOKENS[0]);
    expect(captured[0].query.has('auth_token')).to.equal(false);
  });

  it('skips user info with skipUserProfile: true', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    const { strategy: s } = captureProfile({ scope: 'auth_user', skipUserProfile: true });
    expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'success');
    expect(captured).to.have.length(1);
  });

  it('reports a user info refusal as a typed error', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    nockGateway('alipay.user.info.share', gatewayBody('error_response', node('error-invalid-auth-token')));
    const { strategy: s } = captureProfile({ scope: 'auth_user' });
    const { err } = expectAction(await run(s, callback({ auth_code: AUTH_CODE })), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ code: '20001', subCode: 'aop.invalid-auth-token' });
    expect(err.message).not.to.include(TOKENS[0]);
  });
});

describe('mainland verify shapes', () => {
  beforeEach(() => nockToken(TOKEN_NODE, node('token-user-id')));

  it('calls a 4-argument verify with (accessToken, refreshToken, profile, done)', async () => {
    const verify = (at: string, _rt: string, profile: any, done: any) => done(null, { at, id: profile.id });
    const out = expectAction(await run(strategy({}, verify), callback({ auth_code: AUTH_CODE })), 'success');
    expect(out.user).to.deep.equal({ at: TOKENS[0], id: '2088102000000001' });
  });

  it('calls a 5-argument verify with params', async () => {
    const verify = (_at: string, _rt: string, params: any, profile: any, done: any) => done(null, { e: params.expires_in, id: profile.id });
    const out = expectAction(await run(strategy({}, verify), callback({ auth_code: AUTH_CODE })), 'success');
    expect(out.user).to.deep.equal({ e: 1296000, id: '2088102000000001' });
  });

  it('calls a 5-argument verify with the request when passReqToCallback is set', async () => {
    const verify = (req: any, _at: string, _rt: string, profile: any, done: any) => done(null, { marker: req.marker, id: profile.id });
    const out = await run(strategy({ passReqToCallback: true }, verify), (req) => {
      callback({ auth_code: AUTH_CODE })(req);
      req.marker = 'the-request';
    });
    expect(expectAction(out, 'success').user).to.deep.equal({ marker: 'the-request', id: '2088102000000001' });
  });

  it('calls a 6-argument verify with the request and params', async () => {
    const verify = (req: any, _at: string, _rt: string, params: any, _p: any, done: any) =>
      done(null, { marker: req.marker, e: params.re_expires_in });
    const out = await run(strategy({ passReqToCallback: true }, verify), (req) => {
      callback({ auth_code: AUTH_CODE })(req);
      req.marker = 'r6';
    });
    expect(expectAction(out, 'success').user).to.deep.equal({ marker: 'r6', e: 2592000 });
  });

  it('fails when verify returns no user, with its info', async () => {
    const verify = (_at: string, _rt: string, _p: any, done: any) => done(null, false, { message: 'unknown user' });
    const out = expectAction(await run(strategy({}, verify), callback({ auth_code: AUTH_CODE })), 'fail');
    expect(out.challenge).to.deep.equal({ message: 'unknown user' });
  });

  it('errors when verify reports an error', async () => {
    const verify = (_at: string, _rt: string, _p: any, done: any) => done(new Error('db down'));
    expect(expectAction(await run(strategy({}, verify), callback({ auth_code: AUTH_CODE })), 'error').err.message).to.equal('db down');
  });

  it('errors when verify throws', async () => {
    const verify = (_at: string, _rt: string, _p: any, _done: any) => {
      throw new Error('thrown');
    };
    expect(expectAction(await run(strategy({}, verify), callback({ auth_code: AUTH_CODE })), 'error').err.message).to.equal('thrown');
  });
});
