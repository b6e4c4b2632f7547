/** AlipayInAppStrategy: codes from mini programs, in-wallet pages and native apps, posted as JSON. */
import { expect } from 'chai';
import { createDecipheriv, createPublicKey, verify as rsaVerify } from 'crypto';
import nock from 'nock';
import {
  AlipayAPIError,
  AlipayConfigError,
  AlipayInAppStrategy,
  AlipayPhoneNumberError,
  AlipaySignatureError,
} from '../../lib';
import { createAlipaySimulator, type AlipaySimulator } from '../../lib/testing';
import { expectAction, run } from '../helpers/passport';
import { AUTH_CODE, GATEWAY_ORIGIN, TOKEN_NODE, USER_INFO_NODE, gatewayBody, nockGateway, nockToken, node } from '../helpers/alipay';
import { certs, fixture, keys } from '../helpers/fixtures';
import { post, postForm } from '../helpers/macao';
import { certificateSn, loadCertificate } from '../../lib/alipay/cert-sn';

const certSn = () => certificateSn(loadCertificate(certs.alipay, 'cert'));

const AES_KEY = fixture('keys', 'aes-key.b64').trim();
const OTHER_AES_KEY = fixture('keys', 'other-aes-key.b64').trim();
const PHONE = fixture('alipay', 'phone-number.json');

const options = (overrides: Record<string, unknown> = {}) => ({
  appId: '2021000000000001',
  privateKey: keys.appPrivatePkcs8,
  alipayPublicKey: keys.alipayPublic,
  aesKey: AES_KEY,
  ...overrides,
});

function inApp(overrides: Record<string, unknown> = {}, verify: any = (_a: string, _r: string, p: any, done: any) => done(null, p)) {
  return new AlipayInAppStrategy(options(overrides) as never, verify);
}

function noGatewayCall() {
  return nock(GATEWAY_ORIGIN).post('/gateway.do').query(true).reply(500);
}

const login = (s: ReturnType<typeof inApp>, body: unknown) => run(s, post(body));

describe('AlipayInAppStrategy construction', () => {
  it("is named 'alipay-in-app' by default, or by the name option", () => {
    expect(inApp().name).to.equal('alipay-in-app');
    expect(inApp({ name: 'mini' }).name).to.equal('mini');
  });

  it('explains a missing appId', () => {
    expect(() => inApp({ appId: undefined })).to.throw(AlipayConfigError, /appId is required/);
  });

  it('refuses an aesKey that is not base64 of an AES key, naming the console setting', () => {
    expect(() => inApp({ aesKey: 'not-a-key' })).to.throw(AlipayConfigError, /aesKey.*接口内容加密方式/);
  });

  it('refuses redirect options with a pointer to AlipayStrategy', () => {
    expect(() => inApp({ callbackURL: '/cb' })).to.throw(AlipayConfigError, /callbackURL is an option of AlipayStrategy/);
  });

  it('works without aesKey when no phone number is needed', () => {
    expect(() => inApp({ aesKey: undefined })).not.to.throw();
  });
});

describe('AlipayInAppStrategy sign-in', () => {
  it('exchanges an authCode posted as JSON with alipay.system.oauth.token (user_id app)', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'));
    const out = expectAction(await login(inApp(), { authCode: AUTH_CODE }), 'success');
    expect(out.user).to.deep.include({ provider: 'alipay', id: '2088102000000001', userId: '2088102000000001' });
    expect(Object.fromEntries(captured[0].body)).to.deep.equal({ grant_type: 'authorization_code', code: AUTH_CODE });
    expect(captured[0].query.get('method')).to.equal('alipay.system.oauth.token');
  });

  it('uses open_id as the id for open_id apps', async () => {
    nockToken(TOKEN_NODE, node('token-open-id'));
    const out = expectAction(await login(inApp(), { authCode: AUTH_CODE }), 'success');
    expect((out.user as any).id).to.equal('074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5');
    expect(out.user).not.to.have.property('userId');
  });

  it('exposes unionId when Alipay sends it', async () => {
    nockToken(TOKEN_NODE, node('token-union'));
    const out = expectAction(await login(inApp(), { authCode: AUTH_CODE }), 'success');
    expect(out.user).to.include({ unionId: '2088unionAbCdEf' });
  });

  it('accepts auth_code as the member name too', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await login(inApp(), { auth_code: AUTH_CODE }), 'success');
  });

  it('works in certificate mode', async () => {
    const { captured } = nockToken(TOKEN_NODE, node('token-user-id'), { after: ',"alipay_cert_sn":"' + certSn() + '"' });
    const s = inApp({ alipayPublicKey: undefined, appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle });
    expectAction(await login(s, { authCode: AUTH_CODE }), 'success');
    expect(captured[0].query.get('app_cert_sn')).to.match(/^[0-9a-f]{32}$/);
  });

  it('does not call alipay.user.info.share by default', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const out = expectAction(await login(inApp(), { authCode: AUTH_CODE }), 'success');
    expect(out.user).not.to.have.property('displayName');
  });

  it('reads nickname and avatar with skipUserProfile: false', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    nockGateway('alipay.user.info.share', gatewayBody(USER_INFO_NODE, node('user-info')));
    const out = expectAction(await login(inApp({ skipUserProfile: false }), { authCode: AUTH_CODE }), 'success');
    expect(out.user).to.include({ displayName: '支付宝小二', gender: 'female' });
  });

  it('refreshes tokens like AlipayStrategy', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    expect(await inApp().refresh('old-rt')).to.deep.include({ accessToken: 'authusrB4a9f0c2d1e8b7a6AT' });
  });

  it('passes a refusal on as AlipayAPIError with the 40006 capability advice', async () => {
    nockGateway(
      'alipay.system.oauth.token',
      gatewayBody('error_response', '{"code":"40006","msg":"Insufficient Permissions","sub_code":"isv.insufficient-isv-permissions","sub_msg":"ISV权限不足"}'),
    );
    const { err } = expectAction(await login(inApp(), { authCode: AUTH_CODE }), 'error');
    expect(err).to.be.instanceOf(AlipayAPIError).and.include({ code: '40006' });
    expect(err.message).to.include('获取会员基础信息');
  });

  const shapes: Array<[string, boolean, any]> = [
    ['(accessToken, refreshToken, profile, done)', false, (_a: string, _r: string, p: any, done: any) => done(null, { id: p.id })],
    ['(accessToken, refreshToken, params, profile, done)', false, (_a: string, _r: string, params: any, p: any, done: any) => done(null, { id: p.id, e: params.expires_in })],
    ['(req, accessToken, refreshToken, profile, done)', true, (req: any, _a: string, _r: string, p: any, done: any) => done(null, { id: p.id, m: req.method })],
    ['(req, accessToken, refreshToken, params, profile, done)', true, (req: any, _a: string, _r: string, params: any, p: any, done: any) => done(null, { id: p.id, m: req.method, e: params.expires_in })],
  ];
  for (const [shape, passReqToCallback, verify] of shapes) {
    it(`calls a verify shaped ${shape}`, async () => {
      nockToken(TOKEN_NODE, node('token-user-id'));
      const out = expectAction(await login(inApp({ passReqToCallback }, verify), { authCode: AUTH_CODE }), 'success');
      expect((out.user as any).id).to.equal('2088102000000001');
    });
  }
});

describe('AlipayInAppStrategy refuses codes from anywhere but a JSON body (login CSRF)', () => {
  it('refuses a form body, with no gateway call', async () => {
    const guard = noGatewayCall();
    const out = expectAction(await run(inApp(), postForm({ authCode: AUTH_CODE })), 'fail');
    expect(out.status).to.equal(400);
    expect(guard.isDone()).to.equal(false);
  });

  it('refuses the query string, with no gateway call', async () => {
    const guard = noGatewayCall();
    const out = expectAction(await run(inApp(), (req) => (req.query = { authCode: AUTH_CODE })), 'fail');
    expect(out.status).to.equal(400);
    expect(guard.isDone()).to.equal(false);
  });

  it('never redirects: a GET fails with 400 and says how to send the code', async () => {
    const out = expectAction(await run(inApp()), 'fail');
    expect(out.status).to.equal(400);
    expect((out.challenge as any).message).to.match(/POST \{"authCode"/);
  });

  it('takes a form body when the app opts in with acceptFormBody', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    expectAction(await run(inApp({ acceptFormBody: true }), postForm({ authCode: AUTH_CODE })), 'success');
  });

  for (const [label, code] of [
    ['missing', undefined],
    ['an array', [AUTH_CODE, AUTH_CODE]],
    ['a number', 12345],
    ['an object', { $ne: '' }],
    ['over 128 characters', 'a'.repeat(129)],
    ['non-printable', 'abc\ndef'],
    ['non-ASCII', '授权码'],
    ['empty', ''],
  ] as const) {
    it(`fails with 400 and no gateway call when authCode is ${label}`, async () => {
      const guard = noGatewayCall();
      const out = await login(inApp(), { authCode: code });
      expect(expectAction(out, 'fail').status).to.equal(400);
      expect(guard.isDone()).to.equal(false);
    });
  }
});

describe('AlipayInAppStrategy phone number (my.getPhoneNumber)', () => {
  // Independent oracle for the fixture: Node's crypto, following PROTOCOL A8 step by step.
  it('has a fixture that is signed over the quoted ciphertext and decrypts with AES-CBC, zero IV', () => {
    const { response, sign } = JSON.parse(PHONE);
    expect(rsaVerify('sha256', Buffer.from(`"${response}"`), createPublicKey(keys.alipayPublic), Buffer.from(sign, 'base64'))).to.equal(true);
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(AES_KEY, 'base64'), Buffer.alloc(16));
    const plain = JSON.parse(Buffer.concat([decipher.update(response, 'base64'), decipher.final()]).toString());
    expect(plain).to.deep.equal({ code: '10000', msg: 'Success', mobile: '13800138000' });
  });

  it('adds the verified number to the profile from the JSON string my.getPhoneNumber gives', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const out = expectAction(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: PHONE }), 'success');
    expect(out.user).to.deep.include({ phoneNumber: '13800138000', phoneNumbers: [{ value: '13800138000' }] });
  });

  it("verifies the phone payload with the Alipay certificate's key in certificate mode", async () => {
    nockToken(TOKEN_NODE, node('token-user-id'), { after: ',"alipay_cert_sn":"' + certSn() + '"' });
    const s = inApp({ alipayPublicKey: undefined, appCert: certs.app, alipayPublicCert: certs.alipay, alipayRootCert: certs.rootBundle });
    const out = expectAction(await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE }), 'success');
    expect(out.user).to.include({ phoneNumber: '13800138000' });
  });

  it('accepts the same payload already parsed into an object', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const out = expectAction(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: JSON.parse(PHONE) }), 'success');
    expect(out.user).to.include({ phoneNumber: '13800138000' });
  });

  function expectPhoneError(out: Awaited<ReturnType<typeof login>>, type: new (...a: any[]) => Error, code: RegExp) {
    const { err } = expectAction(out, 'error');
    expect(err).to.be.instanceOf(type);
    expect((err as any).code).to.match(code);
    // A posted payload is client input: whatever is wrong with it is the client's 400, never a 500.
    expect((err as any).status).to.equal(400);
    const payload = JSON.parse(PHONE);
    for (const secret of [payload.response, payload.response.slice(0, 24), AES_KEY, OTHER_AES_KEY, '13800138000']) {
      expect(err.message).not.to.include(secret);
    }
    return err;
  }

  it('refuses a tampered ciphertext as a signature error, before any gateway call', async () => {
    const guard = noGatewayCall();
    const payload = JSON.parse(PHONE);
    payload.response = (payload.response[0] === 'A' ? 'B' : 'A') + payload.response.slice(1);
    expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: JSON.stringify(payload) }), AlipaySignatureError, /ALIPAY_SIGNATURE_INVALID/);
    expect(guard.isDone()).to.equal(false);
  });

  it('refuses a payload signed with another key', async () => {
    const other = fixture('alipay', 'phone-number-signed-by-other.json');
    expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: other }), AlipaySignatureError, /ALIPAY_SIGNATURE_INVALID/);
  });

  it('refuses an unsigned payload', async () => {
    const { sign: _sign, ...unsigned } = JSON.parse(PHONE);
    expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: unsigned }), AlipaySignatureError, /ALIPAY_SIGNATURE_MISSING/);
  });

  it('refuses a payload that does not decrypt with the configured aesKey', async () => {
    expectPhoneError(await login(inApp({ aesKey: OTHER_AES_KEY }), { authCode: AUTH_CODE, phoneNumber: PHONE }), AlipayPhoneNumberError, /ALIPAY_PHONE_DECRYPT_FAILED/);
  });

  it('refuses a payload whose code is not 10000, with Alipay\'s codes', async () => {
    const err = expectPhoneError(
      await login(inApp(), { authCode: AUTH_CODE, phoneNumber: fixture('alipay', 'phone-number-refused.json') }),
      AlipayAPIError,
      /^40003$/,
    );
    expect(err).to.include({ subCode: 'isv.mobile-not-authorized', method: 'my.getPhoneNumber' });
  });

  it('tells a client that posts a phone payload to a strategy without aesKey that phone numbers are not read (400)', async () => {
    const err = expectPhoneError(
      await login(inApp({ aesKey: undefined }), { authCode: AUTH_CODE, phoneNumber: PHONE }),
      AlipayPhoneNumberError,
      /ALIPAY_PHONE_NOT_CONFIGURED/,
    );
    expect(err.message).to.match(/does not read phone numbers/);
  });

  it('warns the operator once, not per request, that aesKey is missing', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      const s = inApp({ aesKey: undefined });
      await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE });
      await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listen);
    }
    const ours = warnings.filter((w) => (w as { code?: string }).code === 'PASSPORT_ALIPAY_NO_AES_KEY');
    expect(ours).to.have.length(1);
    expect(ours[0].message).to.match(/aesKey is not configured/);
  });

  it('accepts a blank sign_type as RSA2, as Alipay\'s Java sample does', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const payload = { ...JSON.parse(PHONE), sign_type: '' };
    expect(expectAction(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: payload }), 'success').user).to.include({ phoneNumber: '13800138000' });
  });

  it('refuses sign_type RSA with a message naming RSA2', async () => {
    const payload = { ...JSON.parse(PHONE), sign_type: 'RSA' };
    const err = expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: payload }), AlipaySignatureError, /ALIPAY_SIGNATURE_INVALID/);
    expect(err.message).to.match(/only RSA2 is accepted/);
  });

  it('refuses an encrypt_type other than AES with a message', async () => {
    const payload = { ...JSON.parse(PHONE), encrypt_type: 'SM4' };
    const err = expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: payload }), AlipayPhoneNumberError, /ALIPAY_PHONE_MALFORMED/);
    expect(err.message).to.match(/only AES/);
  });

  it("reports Alipay's unencrypted isv.missing-encrypt-key refusal as AlipayAPIError with its advice", async () => {
    const refusal = '{"code":"40003","msg":"Insufficient Conditions","subCode":"isv.missing-encrypt-key","subMsg":"缺少加密配置"}';
    const payload = { response: refusal, sign: 'c2lnbg==', sign_type: 'RSA2', charset: 'UTF-8' };
    const err = expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: payload }), AlipayAPIError, /^40003$/);
    expect(err).to.include({ subCode: 'isv.missing-encrypt-key', signed: false });
    expect(err.message).to.match(/接口内容加密方式/);
  });

  /** A single-use store in memory, as RedisStateStore provides it across servers. */
  function memoryOnce() {
    const claimed = new Set<string>();
    return { claimed, claimOnce: async (key: string) => !claimed.has(key) && Boolean(claimed.add(key)) };
  }

  it('accepts another user\'s phone payload without a phoneNumberOnce store: the number is bound to no user (documented)', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    nockToken(TOKEN_NODE, node('token-open-id'));
    const s = inApp();
    expectAction(await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE }), 'success');
    expect(expectAction(await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE }), 'success').user).to.include({ phoneNumber: '13800138000' });
  });

  it("with phoneNumberOnce, refuses a phone payload another user already posted (400, ALIPAY_PHONE_REUSED), before any gateway call", async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const s = inApp({ phoneNumberOnce: memoryOnce() });
    expectAction(await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE }), 'success');
    const guard = noGatewayCall();
    const { err } = expectAction(await login(s, { authCode: AUTH_CODE, phoneNumber: PHONE }), 'error');
    expect(err).to.be.instanceOf(AlipayPhoneNumberError).and.include({ code: 'ALIPAY_PHONE_REUSED', status: 400 });
    expect(guard.isDone()).to.equal(false);
  });

  it('with phoneNumberOnce, claims a digest of the payload for a day, never the number', async () => {
    nockToken(TOKEN_NODE, node('token-user-id'));
    const once = memoryOnce();
    expectAction(await login(inApp({ phoneNumberOnce: once }), { authCode: AUTH_CODE, phoneNumber: PHONE }), 'success');
    const [key] = [...once.claimed];
    expect(key).to.match(/^phone:[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a phoneNumberOnce without claimOnce at construction', () => {
    expect(() => inApp({ phoneNumberOnce: {} as never })).to.throw(AlipayConfigError, /claimOnce/);
  });

  it('refuses a phone payload that is not JSON', async () => {
    expectPhoneError(await login(inApp(), { authCode: AUTH_CODE, phoneNumber: 'garbage' }), AlipayPhoneNumberError, /ALIPAY_PHONE_MALFORMED/);
  });
});

describe('AlipayInAppStrategy.appAuthInfo (native apps, Alipay App SDK)', () => {
  const PID = '2088102123456789';
  const parse = (info: string) => {
    const [unsigned, sign] = info.split('&sign=');
    return { unsigned, sign: decodeURIComponent(sign), fields: Object.fromEntries(new URLSearchParams(unsigned)) };
  };

  it('carries exactly the documented fields', () => {
    const { fields } = parse(inApp().appAuthInfo({ pid: PID, targetId: 'login-1' }));
    expect(fields).to.deep.equal({
      apiname: 'com.alipay.account.auth',
      app_id: '2021000000000001',
      app_name: 'mc',
      auth_type: 'AUTHACCOUNT',
      biz_type: 'openservice',
      method: 'alipay.open.auth.sdk.code.get',
      pid: PID,
      product_id: 'APP_FAST_LOGIN',
      scope: 'kuaijie',
      sign_type: 'RSA2',
      target_id: 'login-1',
    });
  });

  it("is signed over the sorted raw pairs, verifiable with the app's public key", () => {
    const { fields, sign } = parse(inApp().appAuthInfo({ pid: PID }));
    const content = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('&');
    expect(rsaVerify('sha256', Buffer.from(content), createPublicKey(keys.appPublic), Buffer.from(sign, 'base64'))).to.equal(true);
  });

  it('URL-encodes every value and the signature', () => {
    const info = inApp().appAuthInfo({ pid: PID, targetId: 'a_b-c' });
    expect(info).to.include('apiname=com.alipay.account.auth&app_id=2021000000000001&app_name=mc');
    expect(info.split('&sign=')[1]).not.to.match(/[+/=]/);
  });

  it('gives a fresh target_id to every call when none is given', () => {
    const s = inApp();
    const ids = new Set(Array.from({ length: 50 }, () => parse(s.appAuthInfo({ pid: PID })).fields.target_id));
    expect(ids.size).to.equal(50);
  });

  it('refuses a pid that is not a 2088 partner id', () => {
    expect(() => inApp().appAuthInfo({ pid: '12345' })).to.throw(AlipayConfigError, /pid/);
  });
});

describe('AlipayInAppStrategy against the simulator', () => {
  let sim: AlipaySimulator;
  before(async () => {
    sim = await createAlipaySimulator();
  });
  after(() => sim.close());

  for (const idMode of ['user_id', 'open_id'] as const) {
    it(`signs a ${idMode} app's user in with a code from my.getAuthCode and the phone number`, async () => {
      const app = sim.createApp({ idMode });
      const s = inApp({ ...app });
      const out = await login(s, { authCode: sim.mintAuthCode(app.appId, '2088102000000001'), phoneNumber: sim.phoneNumberPayload(app.appId, '2088102000000001') });
      const user = expectAction(out, 'success').user as any;
      expect(user.phoneNumber).to.equal('13800000001');
      if (idMode === 'user_id') expect(user.id).to.equal('2088102000000001');
      else expect(user).to.include({ id: user.openId }).and.not.have.property('userId');
    });
  }

  it('reads user info for an auth_user code with skipUserProfile: false', async () => {
    const app = sim.createApp();
    const s = inApp({ ...app, skipUserProfile: false });
    const out = await login(s, { authCode: sim.mintAuthCode(app.appId, '2088102000000002', 'auth_user') });
    expect(expectAction(out, 'success').user).to.include({ displayName: '李四' });
  });

  it('serves the mini-program endpoints a browser page calls', async () => {
    const app = sim.createApp();
    const code = await (await fetch(`${sim.miniProgramURL}/getAuthCode`, { method: 'POST', body: JSON.stringify({ appId: app.appId, userId: '2088102000000001', scopes: ['auth_base'] }) })).json();
    const phone = await (await fetch(`${sim.miniProgramURL}/getPhoneNumber`, { method: 'POST', body: JSON.stringify({ appId: app.appId, userId: '2088102000000001' }) })).json();
    const out = await login(inApp({ ...app }), { authCode: code.authCode, phoneNumber: phone.response });
    expect(expectAction(out, 'success').user).to.include({ phoneNumber: '13800000001' });
  });
});

