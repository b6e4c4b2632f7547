import { expect } from 'chai';
import nock from 'nock';
import { AuthTokenRefresh } from 'passport-oauth2-refresh';
import { AlipayConfigError, AlipayMacaoAPIError, AlipayMacaoStrategy, AlipaySignatureError, AlipayTransportError } from '../../lib';
import { expectAction, run } from '../helpers/passport';
import { keys } from '../helpers/fixtures';
import {
  APPLY_TOKEN_PATH,
  MACAO_CODE,
  postForm,
  MACAO_ORIGIN,
  USER_INFO_PATH,
  macaoOptions,
  macaoStrategy,
  nockMacao,
  post,
  verifyMacaoUser,
} from '../helpers/macao';

const AT = '281010033AB2F588D14B43238637264FCA5AAF35xxxx';
const RT = '2810100334F62CBC577F468AAC87CFC6C9107811xxxx';
const login = (s = macaoStrategy()) => run(s, post({ authCode: MACAO_CODE }));

function noGatewayCall() {
  return nock(MACAO_ORIGIN).post(/.*/).reply(500);
}

describe('AlipayMacaoStrategy construction', () => {
  it('is named alipay-macao by default', () => {
    expect(macaoStrategy().name).to.equal('alipay-macao');
  });

  for (const option of ['clientId', 'authMerchantId', 'privateKey', 'alipayPublicKey'] as const) {
    it(`explains a missing ${option}`, () => {
      expect(() => macaoStrategy({ [option]: undefined })).to.throw(AlipayConfigError, new RegExp(`${option} is required`));
    });
  }

  it("refuses the app's own public key as alipayPublicKey (swapped keys)", () => {
    expect(() => macaoStrategy({ alipayPublicKey: keys.appPublic })).to.throw(AlipayConfigError, /your own application/);
  });

  it('refuses an unparseable key with the accepted formats', () => {
    expect(() => macaoStrategy({ privateKey: 'nope' })).to.throw(AlipayConfigError, /PKCS#8/);
  });

  it('refuses a clientId over 32 characters', () => {
    expect(() => macaoStrategy({ clientId: 'C'.repeat(33) })).to.throw(AlipayConfigError, /at most 32/);
  });

  it('refuses a gatewayURL with a query string', () => {
    expect(() => macaoStrategy({ gatewayURL: 'https://open.alipaymo.com/?x=1' })).to.throw(AlipayConfigError, /base address/);
  });

  it('appends API paths to a gatewayURL given with a trailing slash', async () => {
    nock('https://sandbox.example.mo').post(APPLY_TOKEN_PATH).reply(500, 'down');
    const { err } = expectAction(await login(macaoStrategy({ gatewayURL: 'https://sandbox.example.mo/' })), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ status: 502, upstreamStatus: 500 });
  });
});

describe('AlipayMacaoStrategy authCode input', () => {
  it('reads authCode from a JSON body', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expect(expectAction(await login(), 'success').user).to.deep.equal({ id: '2182123456123456' });
  });

  it('reads auth_code from a JSON body', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy(), post({ auth_code: MACAO_CODE })), 'success');
  });

  it('accepts a JSON media type with parameters or a +json suffix', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy(), post({ authCode: MACAO_CODE }, 'application/vnd.api+json; charset=utf-8')), 'success');
  });

  // Login CSRF: a cross-site form or link can deliver these, a JSON body needs a CORS preflight.
  it('refuses an authCode from a form body, with no gateway call', async () => {
    const guard = noGatewayCall();
    const out = expectAction(await run(macaoStrategy(), postForm({ authCode: MACAO_CODE })), 'fail');
    expect(out.status).to.equal(400);
    expect((out.challenge as { message: string }).message).to.match(/JSON body.*login CSRF/);
    expect(guard.isDone()).to.equal(false);
  });

  it('refuses an authCode from the query string, with no gateway call', async () => {
    const guard = noGatewayCall();
    const out = await run(macaoStrategy(), (req) => (req.query = { authCode: MACAO_CODE }));
    expect(expectAction(out, 'fail').status).to.equal(400);
    expect(guard.isDone()).to.equal(false);
  });

  it('refuses a JSON-looking text/plain body (what a cross-site form can send)', async () => {
    const out = await run(macaoStrategy(), post({ authCode: MACAO_CODE }, 'text/plain'));
    expect(expectAction(out, 'fail').status).to.equal(400);
  });

  it('reads a form body when the app opts in with acceptFormBody', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await run(macaoStrategy({ acceptFormBody: true }), postForm({ authCode: MACAO_CODE })), 'success');
  });

  it('still refuses the query string with acceptFormBody', async () => {
    const out = await run(macaoStrategy({ acceptFormBody: true }), (req) => (req.query = { authCode: MACAO_CODE }));
    expect(expectAction(out, 'fail').status).to.equal(400);
  });

  it('says a body parser is missing when the JSON body was not parsed', async () => {
    const out = expectAction(await run(macaoStrategy(), post(undefined)), 'fail');
    expect((out.challenge as { message: string }).message).to.match(/body parser/);
  });

  it('says the JSON body must be an object when it is a top-level array', async () => {
    const out = expectAction(await run(macaoStrategy(), post([{ authCode: MACAO_CODE }])), 'fail');
    expect(out.status).to.equal(400);
    expect((out.challenge as { message: string }).message).to.match(/The JSON body is an array; it must be an object/);
  });

  it('sends the authCode, merchant and site in the applyToken body', async () => {
    const { captured } = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    expectAction(await login(), 'success');
    expect(captured[0].json.request.body).to.deep.equal({
      grantType: 'AUTHORIZATION_CODE',
      authCode: MACAO_CODE,
      authMerchantId: '2182400000001037',
      authSite: 'ALIPAY_MO',
    });
  });

  it('fails with 400 and says where the code is expected when it is missing', async () => {
    const out = expectAction(await run(macaoStrategy(), post({})), 'fail');
    expect(out.status).to.equal(400);
    expect((out.challenge as { message: string }).message).to.match(/Missing authCode.*POST \{"authCode"/);
  });

  it('never redirects', async () => {
    const out = await run(macaoStrategy());
    expect(out.action).to.equal('fail');
  });

  for (const [label, code] of [
    ['an array', [MACAO_CODE, MACAO_CODE]],
    ['a number', 12345],
    ['an object', { $ne: '' }],
    ['over 64 characters', 'a'.repeat(65)],
    ['non-printable', 'abc\ndef'],
    ['non-ASCII', '授权码'],
  ] as const) {
    it(`fails with 400 and no gateway call when authCode is ${label}`, async () => {
      const guard = noGatewayCall();
      const out = await run(macaoStrategy(), post({ authCode: code }));
      expect(expectAction(out, 'fail').status).to.equal(400);
      expect(guard.isDone()).to.equal(false);
    });
  }
});

describe('AlipayMacaoStrategy response verification', () => {
  it('verifies a response with body before head, whitespace, \\/ and a brace in a string', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-body-first');
    expect(expectAction(await login(), 'success').user).to.deep.equal({ id: '2182123456123457' });
  });

  it('retries with / when the response was signed before \\/ escaping', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-body-first', { signOver: (t) => t.replace(/\\\//g, '/') });
    expectAction(await login(), 'success');
  });

  it('tolerates a percent-encoded signature', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { percentEncode: true });
    expectAction(await login(), 'success');
  });

  it('verifies when the signature member comes first', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { before: '"extra":1,' });
    expectAction(await login(), 'success');
  });

  it('rejects a tampered byte', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { tamper: (t) => t.replace('2182123456123456', '2182123456123459') });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_SIGNATURE_INVALID' });
  });

  it('rejects a success without signature', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { signature: null });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_SIGNATURE_MISSING' });
  });

  it('rejects a response that echoes another reqMsgId', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { reqMsgId: 'ffffffffffffffffffffffffffffffff' });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_RESPONSE_MISMATCH' });
  });

  it('rejects a duplicated response member', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { before: '"response":{"head":{},"body":{}},' });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipaySignatureError).and.include({ code: 'ALIPAY_RESPONSE_DUPLICATE_MEMBER' });
  });

  it('reports HTML as a transport error', async () => {
    nock(MACAO_ORIGIN).post(APPLY_TOKEN_PATH).reply(200, '<html>maintenance</html>');
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayTransportError).and.include({ code: 'ALIPAY_INVALID_RESPONSE' });
  });

  it('makes a single call, never a retry, when the outcome is unknown', async () => {
    const { captured } = nockMacao(APPLY_TOKEN_PATH, 'result-UNKNOWN_EXCEPTION');
    expectAction(await login(), 'error');
    expect(captured).to.have.length(1);
  });
});

describe('AlipayMacaoStrategy result statuses', () => {
  // The HTTP status says whose problem it is: the user's code or account (4xx), the app's configuration (500), Alipay (502/503).
  const cases: Array<[string, string, boolean, number]> = [
    ['AUTH_CODE_INVALID', 'F', false, 400],
    ['INVALID_SIGNATURE', 'F', false, 500],
    ['PARAM_ILLEGAL', 'F', false, 500],
    ['RISK_REJECT', 'F', false, 403],
    ['KEY_NO_FOUND', 'F', false, 500],
    ['REFRESH_TOKEN_INVALID', 'F', false, 400],
    ['REQUEST_TRAFFIC_EXCEED_LIMIT', 'F', true, 503],
    ['UNKNOWN_EXCEPTION', 'U', true, 502],
  ];
  for (const [code, status, retryable, httpStatus] of cases) {
    it(`maps ${status} ${code} to AlipayMacaoAPIError (retryable: ${retryable}, HTTP ${httpStatus})`, async () => {
      nockMacao(APPLY_TOKEN_PATH, `result-${code}`);
      const { err } = expectAction(await login(), 'error');
      expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ resultStatus: status, resultCode: code, retryable, signed: true, status: httpStatus });
      expect((err as AlipayMacaoAPIError).resultCodeId).to.match(/^\d{8}$/);
    });
  }

  it('reports an unsigned failure, marked unsigned', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'result-AUTH_CODE_INVALID', { signature: null });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ signed: false, resultCode: 'AUTH_CODE_INVALID' });
  });

  it('treats an unexpected resultStatus as a failure', async () => {
    const text = (s: string) => s.replace('"resultStatus":"S"', '"resultStatus":"X"');
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success', { signOver: text, tamper: text });
    const { err } = expectAction(await login(), 'error');
    expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ resultStatus: 'X', retryable: false });
  });

  it('gives advice without the authCode in the message', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'result-AUTH_CODE_INVALID');
    const { err } = expectAction(await login(), 'error');
    expect(err.message).to.match(/my\.getAuthCode/);
    expect(err.message).not.to.include(MACAO_CODE);
  });
});

describe('AlipayMacaoStrategy profile and params', () => {
  function capture(overrides = {}) {
    const seen: any = {};
    const verify = (at: string, rt: string, params: unknown, profile: unknown, done: any) => {
      Object.assign(seen, { at, rt, params, profile });
      done(null, { ok: true });
    };
    return { seen, strategy: macaoStrategy(overrides, verify) };
  }

  it('gives { provider, id: authSiteUserId, _json } without tokens', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const { seen, strategy } = capture();
    expectAction(await login(strategy), 'success');
    expect(seen.profile).to.include({ provider: 'alipay-macao', id: '2182123456123456' });
    const text = JSON.stringify(seen.profile);
    for (const secret of [AT, RT, MACAO_CODE]) expect(text).not.to.include(secret);
  });

  it('gives absolute expiries as sent and seconds computed from them', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const { seen, strategy } = capture();
    expectAction(await login(strategy), 'success');
    expect(seen.params.expires_at).to.match(/\+08:00$/);
    expect(seen.params.expires_in).to.be.within(3595, 3600);
    expect(seen.params.refresh_expires_in).to.be.within(30 * 86400 - 5, 30 * 86400);
    expect(seen.params).to.include({ token_status: 'ACTIVE', access_token: AT, refresh_token: RT });
  });

  it('passes the tokens to verify', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const { seen, strategy } = capture();
    expectAction(await login(strategy), 'success');
    expect([seen.at, seen.rt]).to.deep.equal([AT, RT]);
  });

  it('does not call getUserInfo by default', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const guard = nock(MACAO_ORIGIN).post(USER_INFO_PATH).reply(500);
    expectAction(await login(), 'success');
    expect(guard.isDone()).to.equal(false);
  });

  it('adds the mobile number from getUserInfo with skipUserProfile: false', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const { captured } = nockMacao(USER_INFO_PATH, 'user-info-success');
    const { seen, strategy } = capture({ skipUserProfile: false });
    expectAction(await login(strategy), 'success');
    expect(seen.profile).to.deep.include({ mobileNo: '853-66123456', phoneNumbers: [{ value: '853-66123456' }] });
    expect(captured[0].json.request.head.accessToken).to.equal(AT);
    expect(captured[0].json.request.body).to.deep.equal({ merchantId: '2182400000001037' });
  });

  it('reports a getUserInfo failure as a typed error', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    nockMacao(USER_INFO_PATH, 'result-RISK_REJECT');
    const { strategy } = capture({ skipUserProfile: false });
    const { err } = expectAction(await login(strategy), 'error');
    expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ functionName: 'alipay.intl.user.query.getUserInfo' });
    expect(err.message).not.to.include(AT);
  });

  const shapes: Array<[string, boolean, any, unknown]> = [
    ['(accessToken, refreshToken, profile, done)', false, (_a: string, _r: string, p: any, done: any) => done(null, { id: p.id }), { id: '2182123456123456' }],
    ['(accessToken, refreshToken, params, profile, done)', false, (_a: string, _r: string, params: any, p: any, done: any) => done(null, { s: params.token_status, id: p.id }), { s: 'ACTIVE', id: '2182123456123456' }],
    ['(req, accessToken, refreshToken, profile, done)', true, (req: any, _a: string, _r: string, p: any, done: any) => done(null, { m: req.method, id: p.id }), { m: 'POST', id: '2182123456123456' }],
    ['(req, accessToken, refreshToken, params, profile, done)', true, (req: any, _a: string, _r: string, params: any, _p: any, done: any) => done(null, { m: req.method, s: params.token_status }), { m: 'POST', s: 'ACTIVE' }],
  ];
  for (const [shape, passReqToCallback, verify, expected] of shapes) {
    it(`calls a verify shaped ${shape}`, async () => {
      nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
      expect(expectAction(await login(macaoStrategy({ passReqToCallback }, verify)), 'success').user).to.deep.equal(expected);
    });
  }
});

describe('AlipayMacaoStrategy refresh', () => {
  it('exchanges a refresh token with grantType REFRESH_TOKEN', async () => {
    const { captured } = nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const grant = await macaoStrategy().refresh('old-rt');
    expect(captured[0].json.request.body).to.deep.equal({
      grantType: 'REFRESH_TOKEN',
      refreshToken: 'old-rt',
      authMerchantId: '2182400000001037',
      authSite: 'ALIPAY_MO',
    });
    expect(grant).to.deep.include({ accessToken: AT, refreshToken: RT });
  });

  it('reports REFRESH_TOKEN_INVALID as a typed error without the token', async () => {
    nockMacao(APPLY_TOKEN_PATH, 'result-REFRESH_TOKEN_INVALID');
    try {
      await macaoStrategy().refresh('old-rt');
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(AlipayMacaoAPIError).and.include({ resultCode: 'REFRESH_TOKEN_INVALID' });
      expect((err as Error).message).not.to.include('old-rt');
    }
  });

  it('works through passport-oauth2-refresh', (done) => {
    nockMacao(APPLY_TOKEN_PATH, 'apply-token-success');
    const refresher = new AuthTokenRefresh();
    refresher.use(new AlipayMacaoStrategy(macaoOptions() as never, verifyMacaoUser));
    refresher.requestNewAccessToken('alipay-macao', 'old-rt', (err: unknown, accessToken: string, refreshToken: string) => {
      try {
        expect(err).to.equal(null);
        expect([accessToken, refreshToken]).to.deep.equal([AT, RT]);
        done();
      } catch (e) {
        done(e);
      }
    });
  });
});
